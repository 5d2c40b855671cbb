def body_then_comments():
    x = 1
    # a comment at body indentation

    # another, after a blank line
# a comment at column 0


def body_then_deeper_comment():
    return 1
        # deeper than the body


class Trailing:
    def method(self):
        if True:
            pass
        else:
            y = (1,
                 2)
            # trailing inside else
        # trailing inside method
    # trailing inside class


def multiline_string_last():
    return """
    text
    """


def dedented_continuation():
    value = (1 +
  2)
    other = [x.
   real for x in (1, 2)]
    return value, other


def backslash_last():
    return 1 + \
        2


def nested_end():
    def inner():
        pass  # comment
    # comment


def last():
    pass
# end of file comment
