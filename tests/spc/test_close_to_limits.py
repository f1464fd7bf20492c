from .conftest import fixed_chart, tail_col


def test_close_is_strictly_beyond_two_sigma_and_inside_limits():
    # 2-sigma lines 7.4533..14.5467, limits 5.68..16.32
    c = fixed_chart([15.0, 14.0, 17.0, 7.0, 8.0, 5.0])
    assert tail_col(c, "close_to_limits") == [True, False, False, True, False, False]


def test_close_on_the_two_sigma_line_is_not_close():
    probe = fixed_chart([11.0])
    nupl = probe["mean"][0] + (2 * (2.66 / 3)) * 2.0  # amr of BASE is exactly 2
    c = fixed_chart([nupl, nupl + 1e-9])
    assert tail_col(c, "close_to_limits") == [False, True]


def test_null_when_value_missing():
    c = fixed_chart([None])
    assert tail_col(c, "close_to_limits") == [None]
