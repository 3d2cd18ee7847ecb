"""One exception type for every failure a user can cause or fix.

The CLI turns a HwcnnError into one line on stderr and exit status 2; anything else is a bug
and keeps its traceback.
"""


class HwcnnError(Exception):
    """A user-facing error: the message is one line that says what is wrong and what to do."""
