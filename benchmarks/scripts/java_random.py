"""Java's java.util.SplittableRandom (JDK 17) in Python, enough to replay clnn's shuffles and initialisation.

SplittableRandom(seed) adds the golden gamma 0x9E3779B97F4A7C15 to its state per draw and mixes the state: mix32 for
nextInt, mix64 for nextLong/nextDouble. nextInt(bound) is RandomSupport.boundedNextInt (mask for a power of two, else
rejection on u % bound). The values were checked against java on a few seeds (see _selfcheck).
"""
MASK64 = (1 << 64) - 1
GOLDEN_GAMMA = 0x9E3779B97F4A7C15


def _mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def _mix32(z):
    z = ((z ^ (z >> 33)) * 0x62A9D9ED799705F5) & MASK64
    return (((z ^ (z >> 28)) * 0xCB24D0A5C88C35B3) & MASK64) >> 32  # unsigned 32 bits


def _int32(u):
    return u - (1 << 32) if u & 0x80000000 else u


class SplittableRandom:
    def __init__(self, seed):
        self.seed = seed & MASK64

    def _next_seed(self):
        self.seed = (self.seed + GOLDEN_GAMMA) & MASK64
        return self.seed

    def next_int(self, bound=None):
        r = _int32(_mix32(self._next_seed()))
        if bound is None:
            return r
        if bound <= 0:
            raise ValueError("bound must be positive")
        m = bound - 1
        if bound & m == 0:
            return r & m
        u = (r & 0xFFFFFFFF) >> 1
        while True:
            r = u % bound
            if _int32((u + m - r) & 0xFFFFFFFF) >= 0:  # Java's int overflow test
                return r
            u = (_mix32(self._next_seed()) & 0xFFFFFFFF) >> 1

    def next_double(self, origin=None, bound=None):
        r = (_mix64(self._next_seed()) >> 11) * 2.0 ** -53
        if origin is None:
            return r
        r = r * (bound - origin) + origin
        if r >= bound:
            import math
            r = math.nextafter(bound, -math.inf)
        return r


def epoch_seed(seed, epoch):
    """clnn's BatchIterator.epochSeed: the SplitMix64 finaliser of seed + golden gamma × (epoch + 1)."""
    return _mix64((seed + GOLDEN_GAMMA * (epoch + 1)) & MASK64)


def epoch_order(n, seed, epoch):
    """clnn's BatchIterator.epochOrder(n, seed, epoch): Fisher–Yates from the top, j = nextInt(i + 1)."""
    random = SplittableRandom(epoch_seed(seed, epoch))
    order = list(range(n))
    for i in range(n - 1, 0, -1):
        j = random.next_int(i + 1)
        order[i], order[j] = order[j], order[i]
    return order


def _selfcheck():
    """Values printed by JDK 17 for the same calls (java -version 17.0.15)."""
    want = {
        1: "26 0 1 737 1 465336 282 1 -0.21449131560303336 1172267106 452354622",
        42: "131 0 6 172 1 688463 243 9 -0.1600689610829794 1182818706 517437945",
        -7: "71 0 3 434 1 684482 340 4 -0.47185516570801367 1517346753 516121668",
        0x123456789ABCDEF: "23 1 5 17 1 900439 320 74 0.4746834819537179 742355971 821588820",
    }
    for seed, text in want.items():
        r = SplittableRandom(seed)
        got = [r.next_int(b) for b in (150, 3, 7, 1000, 2, 1 << 20, 353, 97)]
        got.append(repr(r.next_double(-0.5, 0.5)))
        got += [r.next_int(2**31 - 1), r.next_int(0x60000001)]
        assert " ".join(map(str, got)) == text, (seed, got, text)


_selfcheck()
