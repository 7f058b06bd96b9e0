"""Figures a school of the rush saves: two sets that satisfy the data sets' rules (the
indicators tests' own, and a second one), so that every save changes something."""

FIGURES = {
    "DN_TH": [
        {
            "TH_LOP": 12, "TH_HS": 400, "TH_HS_NU": 190, "TH_HS_DTTS": 30, "TH_HS_DUNG_TUOI": 395,
            "TH_HS_2BUOI": 380, "TH_HS_KT": 3, "TH_GV": 18, "TH_GV_CHUAN": 16, "TH_PHONG": 12,
            "TH_PHONG_KC": 10, "TH_CHUAN_QG": 1,
        },
        {
            "TH_LOP": 13, "TH_HS": 421, "TH_HS_NU": 201, "TH_HS_DTTS": 28, "TH_HS_DUNG_TUOI": 410,
            "TH_HS_2BUOI": 399, "TH_HS_KT": 4, "TH_GV": 19, "TH_GV_CHUAN": 17, "TH_PHONG": 13,
            "TH_PHONG_KC": 11, "TH_CHUAN_QG": 1,
        },
    ],
    "DN_THCS": [
        {
            "THCS_LOP": 16, "THCS_HS": 600, "THCS_HS_NU": 290, "THCS_HS_DTTS": 12,
            "THCS_HS_DUNG_TUOI": 560, "THCS_HS_L9": 140, "THCS_GV": 34, "THCS_GV_CHUAN": 30,
            "THCS_PHONG": 16, "THCS_PHONG_KC": 16, "THCS_CHUAN_QG": 0,
        },
        {
            "THCS_LOP": 17, "THCS_HS": 633, "THCS_HS_NU": 301, "THCS_HS_DTTS": 14,
            "THCS_HS_DUNG_TUOI": 590, "THCS_HS_L9": 151, "THCS_GV": 35, "THCS_GV_CHUAN": 31,
            "THCS_PHONG": 17, "THCS_PHONG_KC": 16, "THCS_CHUAN_QG": 1,
        },
    ],
}  # fmt: skip
