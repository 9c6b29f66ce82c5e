// SPDX-License-Identifier: ISC
// The peer of row 6: what an admin would write instead of `vncgate-shell
// -S`, every instance of some regions listed with Alibaba Cloud's official
// Node.js SDK, DescribeInstances with MaxResults=100 and NextToken paging
// until the answer's NextToken is empty.
//
//   node list.js [--serial] ENDPOINT REGION...
//
// ENDPOINT is host:port.  The AccessKey comes from ALIBABA_CLOUD_ACCESS_KEY_ID
// and ALIBABA_CLOUD_ACCESS_KEY_SECRET, the mock's CA from
// NODE_EXTRA_CA_CERTS, as for peer.js.  The regions are listed at once
// (Promise.all, what a Node.js user writes for independent calls);
// --serial lists them one after the other.  Each region's pages are
// sequential: a page needs the NextToken of the one before.  Prints
// "REGION COUNT" per region and "total COUNT"; exit 1 on any error.
'use strict';

const Ecs = require('@alicloud/ecs20140526');
const { $OpenApiUtil } = require('@alicloud/openapi-core');

function client(endpoint, regionId) {
  return new Ecs.default(new $OpenApiUtil.Config({
    accessKeyId: process.env.ALIBABA_CLOUD_ACCESS_KEY_ID,
    accessKeySecret: process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET,
    endpoint: endpoint,
    protocol: 'https',
    regionId: regionId,
  }));
}

async function listRegion(endpoint, regionId) {
  const ecs = client(endpoint, regionId);
  const ids = new Set();
  let nextToken;
  do {
    const resp = await ecs.describeInstances(
      new Ecs.DescribeInstancesRequest({ regionId, maxResults: 100,
        nextToken }));
    const body = resp.body;
    const page = (body.instances && body.instances.instance) || [];
    for (const inst of page) {
      ids.add(inst.instanceId);
    }
    nextToken = body.nextToken;
  } while (nextToken);
  return [regionId, ids.size];
}

async function main(argv) {
  const serial = argv[0] === '--serial';
  const args = serial ? argv.slice(1) : argv;
  if (args.length < 2) {
    process.stderr.write('usage: node list.js [--serial] ENDPOINT ' +
      'REGION...\n');
    return 2;
  }
  const [endpoint, ...regions] = args;
  let counts = [];
  if (serial) {
    for (const r of regions) {
      counts.push(await listRegion(endpoint, r));
    }
  } else {
    counts = await Promise.all(regions.map((r) => listRegion(endpoint, r)));
  }
  let total = 0;
  for (const [r, n] of counts) {
    process.stdout.write(r + ' ' + n + '\n');
    total += n;
  }
  process.stdout.write('total ' + total + '\n');
  return 0;
}

main(process.argv.slice(2)).then(
  (rc) => { process.exitCode = rc; },
  (err) => {
    process.stderr.write('peer: ' + (err && err.message) + '\n');
    process.exitCode = 1;
  });
