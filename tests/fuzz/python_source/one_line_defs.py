def f(): pass
def g(x): return x  # a comment after the body
class C: pass
class D: x = 1; y = 2
def h(): a = 1; b = 2;
async def a(): return 1
class E:
    def m(self): return self
    def n(self): "doc"; return 1
def continued(): \
    return 1
def multiline_signature(a,
                        b): return (a +
                                    b)
