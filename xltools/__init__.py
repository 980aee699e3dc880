"""xltools: strategic emerging industry (战略性新兴产业) indicators from bureau workbooks.

The library entry points are imported lazily so that the command line starts fast:

    >>> import xltools
    >>> data = xltools.load("2022年1-12月规上工业.xlsx")   # doctest: +SKIP
"""
__version__ = "0.1.0"

__all__ = ["load", "__version__"]


def load(path, **options):
    """Read a bureau export: the enterprise table (money in 千元) and what was learnt reading it.

    Options: sheet, period ("2022", "2022-10", "2022年1-10月"), sei_list (an enterprise list file).
    Raises xltools.errors.InputError with every problem of the file.
    """
    from .reader import read_bureau

    return read_bureau(path, **options)
