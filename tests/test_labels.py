"""The label layout engine's rules, in plain floats (no painting): boxes never overlap, groups
shrink before they give up, tidy placements win, priority groups keep what fits."""

import itertools

import pytest

from nnviz.render import labels as lb


def measure(text: str, px: float) -> float:
    return len(text) * px * 0.6


def line_h(px: float) -> float:
    return px * 1.2


def neuron(key, x, y, lines, r=10.0, side=1):
    return lb.Item(key, lines, anchor=(x, y), radius=r, side=side, may_inside=len(lines) == 1)


def test_ladder_runs_from_full_size_to_the_floor():
    assert lb.ladder(42, 28) == [42, 37, 33, 28]
    assert lb.ladder(15, 15) == [15]
    assert lb.ladder(15, 20) == [15]  # a floor above the size is the size
    assert lb.ladder(12, 11, steps=4) == [12, 11]


def test_board_checks_bounds_overlap_margin_and_release():
    board = lb.Board((0, 0, 100, 100), cell=10, margin=2)
    assert board.fits((10, 10, 20, 20))
    assert not board.fits((-1, 10, 20, 20))  # outside the bounds
    tok = board.take((10, 10, 20, 20))
    assert not board.fits((15, 15, 30, 30))
    assert not board.fits((21, 10, 30, 20))  # within the margin of a label
    assert board.fits((23, 10, 30, 20))
    board.release(tok)
    assert board.fits((15, 15, 30, 30))
    solid = board.take((50, 50, 60, 60), solid=True)
    assert not board.fits((55, 55, 58, 58))
    assert board.fits((55, 55, 58, 58), ignore_solid=True)  # a label inside its own neuron
    assert board.fits((61, 50, 70, 60))  # no margin needed next to an obstacle
    assert solid != tok


def test_short_numbers_go_inside_their_neurons_and_a_column_with_a_long_one_beside_them():
    def column(texts):
        board = lb.Board((0, 0, 400, 400))
        for y in (100, 200):
            board.take((90, y - 10, 110, y + 10), solid=True)  # the neurons themselves
        items = [
            neuron(("n", 1, i), 100, y, [t])
            for i, (y, t) in enumerate(zip((100, 200), texts, strict=True))
        ]
        placed, missing = lb.place_group(board, items, [12], measure, line_h, False)
        assert not missing
        return placed

    assert all(p.inside for p in column(["1", "2"]))
    mixed = column(["1", "0.00877"])  # one would not fit inside: both go beside, right
    assert not any(p.inside for p in mixed)
    assert all(p.box[0] > 100 + 10 for p in mixed)


def test_labels_shrink_before_they_give_up_and_never_overlap():
    board = lb.Board((0, 0, 300, 130))
    items = [neuron(("n", 1, i), 50, 20 + 30 * i, ["0.123", "δ 0.0456"]) for i in range(4)]
    placed, missing = lb.place_group(board, items, lb.ladder(20, 10), measure, line_h, False)
    assert not missing and len(placed) == 4
    assert placed[0].px < 20  # two lines of 20 px do not fit 30 px apart
    for p, q in itertools.combinations(placed, 2):
        assert not lb.overlaps(p.box, q.box)


def test_without_priority_a_group_that_does_not_fit_places_nothing():
    board = lb.Board((0, 0, 60, 60))
    items = [neuron(("n", 1, i), 30, 10 + 10 * i, ["a long number"], r=3) for i in range(5)]
    placed, missing = lb.place_group(board, items, [12, 10], measure, line_h, False)
    assert placed == [] and len(missing) == 5
    assert board.fits((0, 0, 60, 60))  # nothing left taken


def test_priority_keeps_what_fits():
    board = lb.Board((0, 0, 100, 60))
    items = [neuron(("n", 1, i), 20, 10 + 20 * i, ["0.5"], r=2) for i in range(3)]
    items.append(neuron(("n", 1, 3), 95, 55, ["0.123456789"], r=2))  # no room anywhere
    placed, missing = lb.place_group(board, items, [10], measure, line_h, True)
    assert len(placed) == 3 and [m.key for m in missing] == [("n", 1, 3)]


def test_a_column_goes_to_one_side_rather_than_both():
    board = lb.Board((0, 0, 400, 200))
    xs = 200
    ys = [40, 80, 120, 160]
    for y in ys:
        board.take((xs - 10, y - 10, xs + 10, y + 10), solid=True)
    board.take((215, 110, 300, 170))  # something right of the lower two
    items = [neuron(("n", 2, i), xs, y, ["0.25", "δ 0.5"]) for i, y in enumerate(ys)]
    placed, _ = lb.place_group(board, items, [14, 12, 10], measure, line_h, False)
    assert {p.slot for p in placed} == {"left"}
    assert lb.untidiness(placed) == 0


def test_edge_labels_sit_on_their_edges():
    board = lb.Board((0, 0, 400, 400))
    it = lb.Item(("edge", 0, 0, 0), ["0.15"], kind="edge", anchor=(0, 100), end=(300, 100))
    got = lb.place_one(board, it, [12], measure, line_h)
    cx, cy = (got.box[0] + got.box[2]) / 2, (got.box[1] + got.box[3]) / 2
    assert cy == pytest.approx(100) and cx == pytest.approx(0.7 * 300)
    assert got.slot == "on"
    # a second label on the same edge slides along it
    again = lb.place_one(
        board,
        lb.Item(("edge", 0, 0, 1), ["0.25"], "edge", (0, 100), end=(300, 100), ts=(0.7, 0.4)),
        [12],
        measure,
        line_h,
    )
    assert again is not None and not lb.overlaps(got.box, again.box)


def test_untidiness_counts_kinds_of_place():
    def placed(*slots):
        return [
            lb.Placed(lb.Item(("n", 0, i), ["x"]), 10, (0, 0, 1, 1), [], False, None, s)
            for i, s in enumerate(slots)
        ]

    assert lb.untidiness(placed("right", "right")) == 0
    assert lb.untidiness(placed("on", "on")) == 0
    assert lb.untidiness(placed("right", "left")) == 1
    assert lb.untidiness(placed("right", "leader")) == 2
