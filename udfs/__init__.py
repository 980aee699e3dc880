"""The Excel side of xltools: xlwings UDFs, ribbon macros and the add-in sources."""
