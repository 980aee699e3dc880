"""xltools: strategic emerging industry (战略性新兴产业) indicators from bureau workbooks.

The library entry points are imported lazily so that the command line starts fast:

    >>> import xltools
    >>> data = xltools.load("2022年1-12月规上工业.xlsx")   # doctest: +SKIP
"""
__version__ = "0.1.0"

__all__ = ["load", "compute", "__version__"]


def load(path, **options):
    """Read a bureau export: the enterprise table (money in 千元) and what was learnt reading it.

    Options: sheet, period ("2022", "2022-10", "2022年1-10月"), sei_list (an enterprise list file).
    Raises xltools.errors.InputError with every problem of the file. An unchanged file's parse comes
    from the parse cache (xltools.readcache; environment variable XLTOOLS_NO_CACHE=1 turns it off).
    """
    from .reader import read_bureau

    return read_bureau(path, **options)


def compute(data, *, by_county=False, sei_map=None, opening=None):
    """Every indicator of every scope, from a table that `load` returned.

    >>> results = xltools.compute(data)                       # doctest: +SKIP
    >>> results.get("sei", "profit_margin").display            # doctest: +SKIP
    '7.45'
    >>> results.diff("profit_margin", "sei", "all").display    # 百分点      # doctest: +SKIP

    sei_map: a user's industry-code correspondence file (used only when the data has no
    category column and no enterprise list); opening: last December's export, whose
    closing balances become this year's 年初.
    """
    from .classify import classify
    from .indicators import apply_opening
    from .indicators import compute as _compute

    # What the reader decided (a hidden sheet left aside, blank counties as 未分县区, a header not
    # understood) is said wherever the figures go.
    warnings = list(data.notes) + classify(data, sei_map)
    if opening is not None:
        if not hasattr(opening, "frame"):
            opening = load(opening)
        warnings.append(apply_opening(data, opening))
    return _compute(data, by_county=by_county, warnings=warnings)
