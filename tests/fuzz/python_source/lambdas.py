square = lambda x: x * x
pairs = sorted([(1, 2)], key=lambda pair: pair[1])
nested = lambda: lambda: 0


def uses_lambdas(values):
    transform = lambda v: v + 1
    return [transform(v) for v in values], {k: (lambda: k) for k in values}


class Holder:
    callback = staticmethod(lambda: None)

    def method(self, key=lambda item: item):
        return key
