// SPDX-License-Identifier: ISC
// The peer of row 1: what an admin would write instead of vncgate, one
// DescribeInstanceVncUrl call with Alibaba Cloud's official Node.js SDK.
//
//   node peer.js ENDPOINT REGION INSTANCE_ID
//
// ENDPOINT is host:port.  The AccessKey comes from ALIBABA_CLOUD_ACCESS_KEY_ID
// and ALIBABA_CLOUD_ACCESS_KEY_SECRET, the mock's CA from
// NODE_EXTRA_CA_CERTS.  Prints the console URL as `vncgate-shell -c url`
// does, so both do the same work; exit 1 on any error.
'use strict';

const Ecs = require('@alicloud/ecs20140526');
const { $OpenApiUtil } = require('@alicloud/openapi-core');

const PAGE = 'https://g.alicdn.com/aliyun/ecs-console-vnc2/0.0.8/index.html';

async function main(argv) {
  if (argv.length !== 3) {
    process.stderr.write('usage: node peer.js ENDPOINT REGION INSTANCE_ID\n');
    return 2;
  }
  const [endpoint, regionId, instanceId] = argv;
  const config = new $OpenApiUtil.Config({
    accessKeyId: process.env.ALIBABA_CLOUD_ACCESS_KEY_ID,
    accessKeySecret: process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET,
    endpoint: endpoint,
    protocol: 'https',
    regionId: regionId,
  });
  const client = new Ecs.default(config);
  const resp = await client.describeInstanceVncUrl(
    new Ecs.DescribeInstanceVncUrlRequest({ regionId, instanceId }));
  const vncUrl = resp.body.vncUrl;
  if (!/^[A-Za-z0-9%._~-]+$/.test(vncUrl || '')) {
    throw new Error('unexpected VncUrl');
  }
  process.stdout.write(PAGE + '?vncUrl=' + vncUrl + '&instanceId=' +
    instanceId + '&isWindows=false\n');
  return 0;
}

main(process.argv.slice(2)).then(
  (rc) => { process.exitCode = rc; },
  (err) => {
    process.stderr.write('peer: ' + (err && err.message) + '\n');
    process.exitCode = 1;
  });
