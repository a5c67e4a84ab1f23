# Day before month, 24-hour clock: unambiguous for readers from anywhere, and the clock matches the Chinese pages.
DATE_FORMAT = "j M Y"  # 10 Mar 2026
DATETIME_FORMAT = "j M Y H:i"  # 10 Mar 2026 09:30
MONTH_DAY_FORMAT = "j M"  # 10 Mar
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
