# Django's zh_Hans formats, except the month and day without a leading zero (3月10日), as the pages always wrote it.
MONTH_DAY_FORMAT = "n月j日"
