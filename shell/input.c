/* SPDX-License-Identifier: ISC */
/*
 * The menu's input: the terminal in raw mode and a bounded line editor.
 *
 * In raw mode the terminal sends every key as a byte and generates no
 * signal, so Ctrl-C, Ctrl-Z and Ctrl-\ are bytes this editor decides
 * about, and flow control (Ctrl-S) cannot freeze the session.  A line
 * holds at most CMD_MAX bytes of printable characters: git shell's 2022
 * fix read input without a bound.  Every other control byte and every
 * escape sequence a key sends (arrows, function keys) is dropped whole,
 * so "ESC [ A" does not leave "[A" in the line.
 */
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "shell.h"

#define KEY_CTRL(c)	((c) & 0x1f)
#define DEL		0x7f
#define ESC		0x1b

/* Escape-sequence states: after ESC, inside CSI, before SS3's byte. */
enum { ESC_NONE, ESC_START, ESC_CSI, ESC_SS3 };

/* Keep the terminal's own mode, to come back to at the end. */
int
tty_save(struct tty_mode *t)
{
	if (tcgetattr(0, &t->saved) == -1)
		return -1;
	t->saved_ok = 1;
	return 0;
}

int
tty_raw(struct tty_mode *t)
{
	struct termios raw;

	if (!t->saved_ok && tty_save(t) == -1)
		return -1;
	raw = t->saved;
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG | IEXTEN);
	raw.c_iflag &= ~(tcflag_t)(IXON | IXOFF | ICRNL | INLCR | IGNCR |
	    BRKINT | ISTRIP);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	/* output processing stays: "\n" still moves to column 0 */
	return tcsetattr(0, TCSANOW, &raw);
}

/*
 * While a command runs: the terminal's own mode, so PAM can read a line,
 * but only Ctrl-C raises a signal (it cancels the request).  Ctrl-Z and
 * Ctrl-\ are switched off: they would stop or kill whatever shares our
 * process group.
 */
int
tty_cooked(const struct tty_mode *t)
{
	struct termios cooked;

	if (!t->saved_ok)
		return -1;
	cooked = t->saved;
	cooked.c_cc[VSUSP] = _POSIX_VDISABLE;
	cooked.c_cc[VQUIT] = _POSIX_VDISABLE;
	return tcsetattr(0, TCSANOW, &cooked);
}

void
tty_restore(const struct tty_mode *t)
{
	if (t->saved_ok)
		tcsetattr(0, TCSANOW, &t->saved);
}

/*
 * Drop what the terminal holds that nobody read yet (DESIGN 1.2): keys
 * typed ahead, a paste, a laggy link's burst.  Before every password or
 * ticket prompt and after every command, so a password typed too early
 * can never run as a command or land in a record.  Not a terminal: no
 * effect.
 */
void
tty_discard(int fd)
{
	(void)tcflush(fd, TCIFLUSH);
}

void
ed_reset(struct line_ed *ed)
{
	memset(ed->buf, 0, sizeof(ed->buf));
	ed->len = 0;
	ed->overflow = 0;
	ed->esc = ESC_NONE;
}

/* Swallow an escape sequence; 1 while inside one. */
static int
in_escape(struct line_ed *ed, unsigned char c)
{
	switch (ed->esc) {
	case ESC_START:
		ed->esc = c == '[' ? ESC_CSI : c == 'O' ? ESC_SS3 : ESC_NONE;
		return 1;
	case ESC_CSI:
		/* parameters and intermediates, up to the final byte */
		if (c >= 0x40 && c <= 0x7e)
			ed->esc = ESC_NONE;
		return 1;
	case ESC_SS3:
		ed->esc = ESC_NONE;
		return 1;
	default:
		return 0;
	}
}

/* Backspace: one whole character, UTF-8 continuation bytes included. */
static enum ed_event
rubout(struct line_ed *ed)
{
	if (ed->len == 0)
		return ED_NONE;
	while (ed->len > 0 &&
	    ((unsigned char)ed->buf[--ed->len] & 0xc0) == 0x80)
		ed->buf[ed->len] = '\0';
	ed->buf[ed->len] = '\0';
	return ED_CHANGED;
}

static enum ed_event
enter(struct line_ed *ed)
{
	if (ed->overflow) {
		ed_reset(ed);
		return ED_DISCARDED;
	}
	return ED_ENTER;
}

static enum ed_event
insert(struct line_ed *ed, unsigned char c)
{
	if (ed->overflow)
		return ED_NONE;
	if (ed->len == CMD_MAX) {
		/* none of it runs: a pasted tail must not become a command */
		ed_reset(ed);
		ed->overflow = 1;
		return ED_OVERFLOW;
	}
	ed->buf[ed->len++] = (char)c;
	ed->buf[ed->len] = '\0';
	return ED_CHANGED;
}

enum ed_event
ed_feed(struct line_ed *ed, unsigned char c)
{
	int after_cr = ed->after_cr;

	ed->after_cr = c == '\r';
	if (in_escape(ed, c))
		return ED_NONE;
	if (c == '\r' || (c == '\n' && !after_cr))
		return enter(ed);
	if (c == KEY_CTRL('C'))
		return ED_CANCEL;
	if (c == KEY_CTRL('D'))
		return ed->len == 0 && !ed->overflow ? ED_EOF : ED_NONE;
	if (c == DEL || c == KEY_CTRL('H'))
		return ed->overflow ? ED_NONE : rubout(ed);
	if (c == ESC) {
		ed->esc = ESC_START;
		return ED_NONE;
	}
	/* NUL, Ctrl-Z, Ctrl-\ and the other controls do nothing */
	if (c < 0x20)
		return ED_NONE;
	return insert(ed, c);
}
