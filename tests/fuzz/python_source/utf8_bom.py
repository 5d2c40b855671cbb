"""A UTF-8 file with a byte-order mark: ünicode ✓."""


def after_bom():
    return "éè"


class UnicodeÉ:
    def méthode(self):
        return "☃"
