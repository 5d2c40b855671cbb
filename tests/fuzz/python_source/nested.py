def outer(x):
    def inner(y):
        def innermost():
            return y
        return innermost
    class Local:
        def method(self):
            class Deeper:
                pass
            return Deeper
    return inner(x), Local


class Outer:
    class Inner:
        class Innermost:
            def deep(self):
                return 1

    def method(self):
        def helper():
            pass
        return helper


def declares_global():
    global made_global

    def made_global():
        return "qualname is just the name"

    def not_global():
        pass
    return not_global


def control_flow(value, items):
    if value:
        def in_if():
            pass
    elif value is None:
        def in_elif():
            pass
    else:
        def in_else():
            pass
    for item in items:
        def in_for():
            pass
    else:
        def in_for_else():
            pass
    while value:
        def in_while():
            pass
        break
    try:
        def in_try():
            pass
    except ValueError:
        def in_except():
            pass
    else:
        def in_try_else():
            pass
    finally:
        def in_finally():
            pass
    try:
        pass
    except* OSError:
        def in_except_star():
            pass
    with open(value) as handle, open(value) as other:
        def in_with():
            pass
    match value:
        case [first, *rest]:
            def in_case():
                return first, rest
        case {"key": key}:
            class InCase:
                pass
        case _:
            pass


if __name__ == "__main__":
    def in_module_if():
        pass

    class InModuleIf:
        def method(self):
            pass
