"""The five units of ../shared/corpus by their full names, as the disclosures print them (000-004)."""

RONGCHANG = "重庆市荣昌区社会保险事务中心"
QIJIANG = "重庆市綦江区社会保险事务中心"
WANSHENG = "重庆市万盛经济技术开发区社会保险事务中心"
CANGXI = "苍溪县社会保险事务中心"
GUANGYUAN = "广元市社会保险事务中心"
