"""Decorators: the record's line is the def/class line, not the first '@'."""
import functools


def plain(func):
    return func


@plain
def decorated_once():
    pass


@plain
@functools.lru_cache(maxsize=None)
@plain  # a comment between decorators
def decorated_thrice(x):
    return x


@functools.total_ordering
class Ordered:
    @property
    def value(self):
        return 1

    @value.setter
    def value(self, new):
        pass

    @staticmethod
    def make():
        return Ordered()

    @classmethod
    def build(cls, *args, **kwargs):
        return cls()


handlers = [plain]


@handlers[0]
def pep614_subscript():
    pass


@(plain)
def parenthesized():
    pass


@plain
# a comment before the def
def comment_before_def(
    a,
    b,
):
    return a + b
