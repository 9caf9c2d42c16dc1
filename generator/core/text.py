"""Characters that hide or reorder text, and a form of any text that is safe to print on a terminal."""

from __future__ import annotations

import re

# Unicode's format characters (category Cf) and the C1 controls: bidirectional overrides and
# isolates that show "10 000" where the file says "000 01", zero-width spaces and joiners, the
# soft hyphen, tag characters. Refused in every library value (validate), so what a reviewer
# reads in the YAML is what the contract says. The one allowed format character is U+200D ZERO
# WIDTH JOINER, which builds emoji and Indic letters and cannot reorder or hide anything.
# tests/test_text_safety.py checks this list against the running Python's Unicode database.
INVISIBLE = re.compile(
    "[\u0080-\u009f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b\u200c"
    "\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]")
ALLOWED_FORMAT = frozenset("\u200d")
# What a terminal may act on: C0 controls but tab and newline, DEL, and the invisible set above.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f]|" + INVISIBLE.pattern)


def visible(text: str) -> str:
    """The text with every control and invisible character shown as <U+XXXX>: no escape sequence
    from a library file, a git revision or an argument reaches the terminal as a command."""
    return _UNPRINTABLE.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


_SGR = re.compile(r"<U\+001B>(\[[0-9;]*m)")


def visible_keep_colors(text: str) -> str:
    """visible(text), but the colour codes (SGR, ESC [ ... m) a writer put there stay: they can only
    colour text, never move the cursor, retitle the window or send anything back."""
    return _SGR.sub("\x1b\\1", visible(text))
