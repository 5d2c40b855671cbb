# -*- coding: latin-1 -*-
"""Latin-1 source: café, naïve, ¿qué?"""


def café_free_name():
    return "déjà vu"  # été


class Crème:
    """Crème brûlée."""

    def brûlée(self):
        return "£§µ"
