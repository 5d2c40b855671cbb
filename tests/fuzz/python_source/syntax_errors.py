def valid_before():
    return 1


def broken(:
    pass


class AlsoBroken
    def method(self):
        return


def valid_after():
    x = [1, 2
    return x
