class Shapes:
    "A one-line docstring in double quotes."

    def __init__(self, width: int, height: int = 1, *, name: str = "") -> None:
        '''Single-quoted docstring.'''
        self.width = width

    def positional_only(self, a, b, /, c, *args, d, e=1, **kwargs):
        r"""Raw docstring."""
        return a

    def annotated_star(self, *args: int, **kwargs: "str") -> "Shapes":
        ("Parenthesized "
         "and implicitly concatenated docstring.")

    def fstring_is_not_a_docstring(self):
        f"""not a docstring {self}"""

    def bytes_is_not_a_docstring(self):
        b"not a docstring"

    def tuple_is_not_a_docstring(self):
        "a", "b"

    def docstring_then_code(self):
        u"""Docstring with a u prefix."""; return 1

    def no_docstring(self):
        x = "a string, but not the first statement"
        return x

    def defaults(self, a=lambda: 0, b=(1, 2), c={"k": [1, 2]}):
        return a, b, c


class WithBases(Shapes, dict, metaclass=type):
    pass


class Empty():
    ...


class Generic(list[int], *(object,)):
    pass
