"""What synthetic rows are drawn from: small fixed lists, so a million rows cost little.

Proportions are rough orders of magnitude from BP2MI's public placement statistics
(Hong Kong, Taiwan and Malaysia first; NTB, NTT, East and Central Java, West Java
and Lampung the main sending provinces); names are common Indonesian names.
Company and employer names are made up.
"""

# Sending provinces (BPS codes) and their share of job orders' recruitment regions.
# The remainder (OTHER_PROVINCES_SHARE) is spread over every other province.
SENDING_PROVINCES = {
    "52": 20,  # Nusa Tenggara Barat
    "53": 16,  # Nusa Tenggara Timur
    "35": 18,  # Jawa Timur
    "33": 14,  # Jawa Tengah
    "32": 10,  # Jawa Barat
    "18": 5,  # Lampung
    "12": 3,  # Sumatera Utara
    "51": 2,  # Bali
    "36": 2,  # Banten
    "73": 2,  # Sulawesi Selatan
    "61": 2,  # Kalimantan Barat
}
OTHER_PROVINCES_SHARE = 6

# Where a company's head office may be (regency/city codes that exist in the areas table).
HEAD_OFFICES = ["31.71", "31.72", "31.73", "31.74", "31.75", "35.78", "35.15", "12.71", "52.71", "53.71",
                "32.73", "36.71", "33.74", "21.71", "18.71", "51.71", "73.71"]  # fmt: skip

# (country, sector, occupation, weight, salary min, salary max, currency, contract months,
#  worker costs min, max in IDR (0 for zero-cost occupations))
JOBS = [
    ("HK", "informal", "housekeeper", 15, 4990, 5400, "HKD", 24, 0, 0),
    ("HK", "informal", "elderly_carer", 3, 4990, 5600, "HKD", 24, 0, 0),
    ("HK", "informal", "baby_sitter", 2, 4990, 5300, "HKD", 24, 0, 0),
    ("TW", "informal", "elderly_carer", 10, 20000, 21500, "TWD", 36, 0, 0),
    ("TW", "formal", "factory_operator", 10, 27470, 29500, "TWD", 36, 15_000_000, 25_000_000),
    ("TW", "formal", "caregiver", 3, 27470, 29000, "TWD", 36, 10_000_000, 18_000_000),
    ("TW", "formal", "fishing_crew", 2, 27470, 28500, "TWD", 36, 0, 0),
    ("MY", "formal", "plantation_worker", 9, 1500, 1800, "MYR", 24, 0, 0),
    ("MY", "formal", "factory_operator", 8, 1500, 1900, "MYR", 24, 2_000_000, 8_000_000),
    ("MY", "formal", "construction_worker", 3, 1500, 2100, "MYR", 24, 3_000_000, 8_000_000),
    ("MY", "informal", "housekeeper", 5, 1500, 1800, "MYR", 24, 0, 0),
    ("SG", "informal", "housekeeper", 5, 600, 800, "SGD", 24, 0, 0),
    ("KR", "formal", "factory_operator", 4, 2060740, 2300000, "KRW", 36, 8_000_000, 15_000_000),
    ("KR", "formal", "fishing_crew", 3, 2060740, 2250000, "KRW", 36, 0, 0),
    ("JP", "formal", "caregiver", 3, 180000, 230000, "JPY", 36, 15_000_000, 25_000_000),
    ("JP", "formal", "factory_operator", 2, 175000, 220000, "JPY", 36, 15_000_000, 25_000_000),
    ("SA", "formal", "hotel_staff", 1.5, 1800, 2800, "SAR", 24, 0, 0),
    ("SA", "formal", "nurse", 0.5, 6000, 9000, "SAR", 24, 0, 0),
    ("AE", "formal", "hotel_staff", 1, 2000, 3000, "AED", 24, 0, 0),
    ("BN", "informal", "housekeeper", 1, 350, 450, "BND", 24, 0, 0),
    ("BN", "formal", "construction_worker", 0.5, 450, 700, "BND", 24, 2_000_000, 6_000_000),
    ("PL", "formal", "welder", 0.4, 4300, 5200, "PLN", 24, 10_000_000, 20_000_000),
    ("DE", "formal", "nurse", 0.4, 2800, 3400, "EUR", 36, 10_000_000, 20_000_000),
    ("AU", "formal", "farm_worker", 0.3, 4000, 4800, "AUD", 12, 0, 0),
    ("NZ", "formal", "farm_worker", 0.2, 3800, 4300, "NZD", 12, 0, 0),
]
# Occupations nearly always filled by women or by men in these job orders (share of women).
WOMEN_SHARE = {
    "housekeeper": 0.97, "elderly_carer": 0.95, "baby_sitter": 0.99, "caregiver": 0.85, "nurse": 0.8,
    "factory_operator": 0.55, "hotel_staff": 0.5, "plantation_worker": 0.3, "farm_worker": 0.3,
    "construction_worker": 0.02, "fishing_crew": 0.0, "welder": 0.02,
}  # fmt: skip

# The Indonesian mission that verifies job orders for each country.
MISSIONS = {
    "HK": "KJRI-HK", "TW": "KDEI-TPE", "MY": "KBRI-KL", "SG": "KBRI-SG", "KR": "KBRI-SEL", "JP": "KBRI-TYO",
    "SA": "KBRI-RYD", "AE": "KBRI-AUH", "BN": "KBRI-BSB", "PL": "KBRI-WAW", "DE": "KBRI-BER", "AU": "KBRI-CBR",
    "NZ": "KBRI-WLG",
}  # fmt: skip
VISAS = {
    "HK": ("Immigration Department, Hong Kong SAR", "ID(E)990A"), "TW": ("TETO Jakarta", "TW-ER"),
    "MY": ("Kedutaan Besar Malaysia", "VDR"), "SG": ("Ministry of Manpower Singapore", "WP"),
    "KR": ("Kedutaan Besar Republik Korea", "E-9"), "JP": ("Kedutaan Besar Jepang", "SSW"),
    "SA": ("Kedutaan Besar Arab Saudi", "WV"), "AE": ("Kedutaan Besar Uni Emirat Arab", "WV"),
    "BN": ("Kedutaan Besar Brunei Darussalam", "EP"), "PL": ("Kedutaan Besar Polandia", "D"),
    "DE": ("Kedutaan Besar Jerman", "D"), "AU": ("Department of Home Affairs", "PALM"),
    "NZ": ("Immigration New Zealand", "RSE"),
}  # fmt: skip
AIRPORTS = {"HK": "HKG", "TW": "TPE", "MY": "KUL", "SG": "SIN", "KR": "ICN", "JP": "NRT", "SA": "JED", "AE": "DXB",
            "BN": "BWN", "PL": "WAW", "DE": "FRA", "AU": "SYD", "NZ": "AKL"}  # fmt: skip
CARRIERS = ["GA", "QZ", "JT", "ID", "SQ", "CX", "CI", "BR", "MH", "SV", "EK", "KE", "JL"]
LANGUAGE_TESTS = {"HK": "KANTON", "TW": "MANDARIN", "SG": "INGGRIS", "KR": "EPS-TOPIK", "JP": "JFT", "DE": "GOETHE",
                  "AU": "IELTS"}  # fmt: skip

# Official embarkation points (reference data) by the worker's province; "*" for the rest.
POINTS = {
    "52": ["LOP"], "53": ["KOE"], "35": ["SUB"], "33": ["SUB", "CGK"], "32": ["CGK"], "31": ["CGK"],
    "36": ["CGK"], "12": ["KNO"], "51": ["DPS"], "73": ["UPG"], "61": ["ENT"], "21": ["BTH", "TNJ"],
    "14": ["DUM"], "64": ["NNX"], "65": ["NNX"], "*": ["CGK"],
}  # fmt: skip
# To Malaysia many leave by sea or by land from the nearest crossing.
MALAYSIA_POINTS = {"53": ["NNX", "KOE"], "61": ["ENT"], "64": ["NNX"], "65": ["NNX"], "21": ["BTH"], "14": ["DUM"]}
CROSSINGS = {"BTH": "Ferry Batam Centre-Stulang Laut", "TNJ": "Ferry Tanjung Pinang-Johor Bahru",
             "DUM": "Ferry Dumai-Melaka", "NNX": "Kapal Nunukan-Tawau", "ENT": "Bus Pontianak-Kuching"}  # fmt: skip

PROVIDER_WORDS = ["Cahaya", "Mandiri", "Karya", "Bina", "Prima", "Sejahtera", "Harapan", "Bakti", "Insan",
                  "Mitra", "Nusantara", "Putra", "Citra", "Duta", "Lestari"]  # fmt: skip
COMPANY_WORDS = ["Bina", "Tenaga", "Karya", "Mandiri", "Sejahtera", "Abadi", "Jaya", "Sentosa", "Prima", "Utama",
                 "Nusantara", "Mitra", "Duta", "Insani", "Bahari", "Cahaya", "Makmur", "Perkasa", "Citra", "Harapan",
                 "Lestari", "Gemilang", "Sinar", "Samudra", "Putra", "Mulia", "Anugerah", "Berkah", "Rezeki",
                 "Dharma"]  # fmt: skip
COMPANY_SUFFIXES = ["Internasional", "Indonesia", "Manpower", "Nusantara", "Global", "Mandiri", "Sejahtera", "Jaya"]

# Foreign employers: (country, sector) -> (name patterns, registration number prefix)
HOUSEHOLD_SURNAMES = {
    "HK": ["Chan", "Wong", "Leung", "Lee", "Cheung", "Lau", "Ho", "Ng", "Tsang", "Yip"],
    "TW": ["Chen", "Lin", "Huang", "Chang", "Li", "Wang", "Wu", "Liu", "Tsai", "Yang"],
    "MY": ["Tan", "Lim", "Wong", "Lee", "Ahmad", "Abdullah", "Ismail", "Ng", "Chong", "Othman"],
    "SG": ["Tan", "Lim", "Lee", "Ng", "Ong", "Wong", "Goh", "Chua", "Koh", "Teo"],
    "BN": ["Haji Abdul", "Pengiran", "Awang", "Dayang", "Haji Mohd"],
}
COMPANY_NAMES = {
    "TW": (["Hsinchu", "Taoyuan", "Taichung", "Tainan", "Kaohsiung", "Changhua"],
           ["Precision", "Electronics", "Textile", "Metal", "Plastics", "Care", "Fishery"], "Co., Ltd."),
    "MY": (["Penang", "Johor", "Selangor", "Sabah", "Sarawak", "Perak", "Kedah"],
           ["Electronics", "Plantation", "Ladang Sawit", "Construction", "Rubber", "Gloves"], "Sdn. Bhd."),
    "KR": (["Busan", "Ulsan", "Changwon", "Incheon", "Gimhae", "Ansan"],
           ["Metal", "Fisheries", "Auto Parts", "Shipbuilding", "Plastics"], "Co., Ltd."),
    "JP": (["Nagoya", "Osaka", "Fukuoka", "Saitama", "Hiroshima", "Sendai"],
           ["Kaigo", "Seiki", "Foods", "Kogyo", "Fukushi"], "Co., Ltd."),
    "SA": (["Al-Rashid", "Al-Faisal", "Al-Harbi", "Al-Otaibi", "Al-Qahtani"],
           ["Hospitality", "Medical", "Contracting", "Services"], "Est."),
    "AE": (["Emirates", "Gulf", "Al-Noor", "Dubai"], ["Hospitality", "Hotels", "Services"], "LLC"),
    "BN": (["Borneo", "Seria", "Tutong"], ["Construction", "Engineering"], "Sdn. Bhd."),
    "PL": (["Gdansk", "Wroclaw", "Poznan"], ["Steel", "Shipyard", "Welding"], "Sp. z o.o."),
    "DE": (["Berlin", "Hamburg", "Koeln"], ["Klinikum", "Pflege", "Seniorenheim"], "GmbH"),
    "AU": (["Riverina", "Mildura", "Bundaberg"], ["Farms", "Orchards", "Horticulture"], "Pty Ltd"),
    "NZ": (["Hawke's Bay", "Nelson", "Bay of Plenty"], ["Orchards", "Horticulture"], "Ltd"),
}  # fmt: skip

# Names: given names by sex, family names, and a few regional lists.
WOMEN = ["Siti", "Sri", "Nur", "Dewi", "Wahyuni", "Rina", "Yuni", "Lestari", "Rohani", "Suryani", "Fitri", "Ani",
         "Eka", "Dwi", "Tri", "Rahmawati", "Nurhayati", "Sulastri", "Sumiati", "Kartini", "Marni", "Ratna", "Yanti",
         "Endang", "Sari", "Indah", "Ayu", "Putri", "Novi", "Lina", "Winarti", "Mulyani", "Hartini", "Susanti",
         "Nining", "Umi", "Anik", "Rukmini", "Saniah", "Hadijah", "Aminah", "Fatimah", "Halimah", "Salmah", "Juwita",
         "Mega", "Desi", "Tuti", "Lilis", "Neneng", "Euis", "Imas", "Cucu", "Nurul", "Khusnul", "Zulaikha",
         "Muslimah", "Wartini", "Darsih", "Karsinah"]  # fmt: skip
MEN = ["Ahmad", "Muhammad", "Agus", "Budi", "Eko", "Joko", "Slamet", "Sutrisno", "Hendra", "Rudi", "Yusuf",
       "Rizki", "Dedi", "Andi", "Hasan", "Ismail", "Sahnan", "Junaidi", "Saparudin", "Zainal", "Hamdan", "Sukri",
       "Rusdi", "Amrullah", "Mahsun", "Bambang", "Wahyu", "Teguh", "Heru", "Imam", "Arif", "Dwi", "Tri", "Fajar",
       "Irfan", "Ujang", "Asep", "Dadang", "Cecep", "Ade", "Samsul", "Nurdin", "Abdul", "Syamsul", "Taufik",
       "Yanto", "Sugeng", "Supriadi", "Marno", "Karyono"]  # fmt: skip
FAMILIES = ["Saputra", "Hidayat", "Setiawan", "Kurniawan", "Wijaya", "Santoso", "Pratama", "Nugroho", "Gunawan",
            "Susanto", "Hakim", "Rahman", "Syahputra", "Maulana", "Firmansyah", "Lestari", "Handayani", "Wulandari",
            "Rahayu", "Kusuma", "Permata", "Utami", "Safitri", "Anggraini", "Purnamasari", "Rohmah", "Fauziah",
            "Hasanah", "Aisyah", "Nurjanah"]  # fmt: skip
TIMOR_WOMEN = ["Maria", "Yohana", "Fransiska", "Agustina", "Ferderika", "Marselina", "Yuliana", "Adriana",
               "Melania", "Oktaviana", "Serlin", "Dorkas"]  # fmt: skip
TIMOR_MEN = ["Yohanes", "Fransiskus", "Yosef", "Markus", "Aleksander", "Petrus", "Kornelis", "Dominggus",
             "Yakobus", "Agustinus", "Marthen", "Yulius"]  # fmt: skip
TIMOR_FAMILIES = ["Tefa", "Ndun", "Benu", "Nenobais", "Bria", "Seran", "Nahak", "Manafe", "Kolo", "Bani", "Tualaka",
                  "Taneo", "Lake", "Nubatonis", "Sabat", "Manu", "Neonbasu", "Tlonaen", "Fanggidae", "Lay"]  # fmt: skip
BATAK_FAMILIES = ["Siregar", "Nasution", "Harahap", "Lubis", "Simanjuntak", "Sitompul", "Hutagalung", "Sinaga",
                  "Manurung", "Pardede"]  # fmt: skip
SASAK_PREFIXES = {"F": "Baiq", "M": "Lalu"}

EDUCATION = (["none", "sd", "smp", "sma", "diploma", "bachelor"], [2, 28, 36, 30, 3, 1])
MARITAL = (["single", "married", "divorced", "widowed"], [40, 48, 10, 2])
KIN_RELATIONS = {"F": ["Suami", "Ayah", "Ibu", "Kakak"], "M": ["Istri", "Ayah", "Ibu", "Kakak"]}
PHONE_PREFIXES = ["0812", "0813", "0821", "0822", "0823", "0852", "0853", "0819", "0877", "0878", "0857", "0858",
                  "0896", "0838"]  # fmt: skip

CANCELLATION_REASONS = [
    "Mengundurkan diri atas permintaan keluarga.",
    "Tidak lulus pemeriksaan kesehatan (unfit).",
    "Tidak lulus uji kompetensi.",
    "Pemberi kerja membatalkan permintaan.",
    "Calon PMI tidak dapat dihubungi lagi.",
    "Dokumen kependudukan tidak lengkap.",
]
RETURN_DETAILS = {
    "contract_completed": "Kontrak kerja selesai.",
    "early_termination": "Diberhentikan sebelum kontrak selesai.",
    "deportation": "Dideportasi oleh otoritas negara penempatan.",
    "illness": "Dipulangkan karena sakit.",
    "death": "Meninggal dunia; jenazah dipulangkan kepada keluarga.",
}
# Of returns before the contract ends: which reason (weights).
EARLY_RETURNS = (["early_termination", "illness", "deportation", "death"], [55, 25, 17, 3])
FEE_DESCRIPTIONS = ["Biaya pelatihan", "Biaya pemeriksaan kesehatan", "Biaya pengurusan dokumen", "Biaya tiket"]
# Immigration offices issuing passports, by province (the rest: Jakarta).
IMMIGRATION_OFFICES = {
    "52": "Mataram", "53": "Kupang", "35": "Surabaya", "33": "Semarang", "32": "Bandung", "18": "Bandar Lampung",
    "12": "Medan", "51": "Denpasar", "36": "Tangerang", "73": "Makassar", "61": "Pontianak",
}  # fmt: skip
