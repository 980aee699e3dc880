' The ribbon's callbacks: one Sub per button of ribbon.csv, each handing the click to Python
' through xlwings' RunPython. The Python side is udfs/macros.py; it works on the workbook
' that was active when the button was pressed (xw.Book.caller()).

Sub SetSource(control As IRibbonControl)
    RunPython "import udfs.macros; udfs.macros.set_source()"
End Sub

Sub ValidateData(control As IRibbonControl)
    RunPython "import udfs.macros; udfs.macros.validate_data()"
End Sub

Sub RefreshIndicators(control As IRibbonControl)
    RunPython "import udfs.macros; udfs.macros.refresh_indicators()"
End Sub

Sub WriteSummary(control As IRibbonControl)
    RunPython "import udfs.macros; udfs.macros.write_summary()"
End Sub

Sub WriteTracker(control As IRibbonControl)
    RunPython "import udfs.macros; udfs.macros.write_tracker()"
End Sub

Sub WriteReport(control As IRibbonControl)
    RunPython "import udfs.macros; udfs.macros.write_report()"
End Sub
