def print(*args):
    return args


def exec(code):
    return code


class match:
    def case(self):
        return "case"


def type(value):
    return value


def _(match, case):
    match match:
        case case.value:
            def in_soft_case():
                pass
    print >> exec, "a", "b"
