"""Build `data/seed_complaints.csv`: the project's own labelled complaints.

Every sentence here and in `training.seed_cores` was written for this project (none comes from
../shared/datasets). A complaint is one hand-written core (the substance, labelled with category and agency)
placed in a realistic frame: a formal letter, a one-line SMS, a social-media post, with greetings and thanks
around it, sometimes a second issue, informal spelling, typos and missing punctuation. The generator is
deterministic (fixed seed) so the committed CSV can be rebuilt and checked. Column `group` names the core a row
renders (`core-017`, `hoax-03`, `negative-05`): training keeps a group in one validation fold (`triage.folds`).
To rebuild:

    python -m training.seed_corpus data/seed_complaints.csv
"""

from __future__ import annotations

import csv
import random
import sys

from training.seed_cores import CORES, HARD_NEGATIVES, HOAXES

# --- where ---------------------------------------------------------------------------------------
STREETS = ["Jl. Merdeka", "Jl. Diponegoro", "Jl. Pahlawan", "Jl. Sudirman", "Jl. Kartini", "Jl. Veteran",
           "Jl. Pemuda", "Jl. Mawar", "Jl. Melati Raya", "Jl. Cempaka", "Jl. Anggrek", "Jl. Kenanga",
           "Jl. Gajah Mada", "Jl. Hayam Wuruk", "Jl. Imam Bonjol", "Jl. Teuku Umar", "Jl. Cut Nyak Dien",
           "Jl. Raya Timur", "Jl. Lingkar Selatan", "Jl. Pasar Baru", "Jl. Stasiun", "Jl. Kali Anyar",
           "Jl. Kebon Jeruk", "Jl. Taman Sari", "Jl. Nusantara"]
KELURAHAN = ["Sukamaju", "Sukajadi", "Mekarsari", "Karanganyar", "Tegalrejo", "Sidomulyo", "Margorejo",
             "Kebonsari", "Sumberejo", "Purwodadi", "Wonorejo", "Cempaka Putih", "Tanjungsari",
             "Bojongsari", "Sindangrasa", "Pasirjati", "Mulyorejo", "Rawasari", "Jatimekar", "Kertajaya"]
DISTRICTS = ["Kota Lama", "Bukit Indah", "Sungai Rejo", "Tanjung Baru", "Pasar Minggu Kidul", "Sukarame",
             "Ngaliyan Wetan", "Karang Tengah", "Mulyoharjo", "Batu Ampar", "Rejosari", "Pantai Timur"]
LANDMARKS = ["depan SDN 3", "samping masjid Al Ikhlas", "dekat pasar", "depan balai RW", "pertigaan dekat puskesmas",
             "dekat jembatan kali", "depan minimarket", "gang sebelah musala", "depan kantor kelurahan",
             "ujung gang buntu", "dekat lapangan voli", "belakang terminal", "depan SMPN 5", "perempatan lampu merah"]
DURATIONS = ["sudah dua minggu", "sejak seminggu lalu", "hampir sebulan", "sudah 3 hari", "sejak bulan lalu",
             "sudah lebih dari sebulan", "dari kemarin", "sudah berbulan-bulan", "sejak lebaran", "sudah 5 hari"]

LINKS = ["bit.ly/bansos-2024", "s.id/daftarbantuan", "tinyurl.com/subsidi-warga", "bantuan-warga.blogspot.com",
         "daftar-bansos.xyz", "bit.ly/rekrutmen-cpns", "wa.me/6281200000000", "cutt.ly/tokengratis"]

# --- how: frames and spellings -------------------------------------------------------------------
OPENINGS_FORMAL = ["Yth. Bapak/Ibu Admin LAPOR,", "Dengan hormat,", "Kepada Yth. Bapak Wali Kota,",
                   "Assalamualaikum warahmatullahi wabarakatuh.", "Selamat pagi Bapak/Ibu.", "Yth. Kepala Dinas terkait,",
                   "Selamat siang, saya warga {kel} ingin menyampaikan pengaduan."]
OPENINGS_INFORMAL = ["min,", "pak,", "halo admin", "selamat malam pak", "tolong pak", "assalamualaikum pak bupati",
                     "lapor min", "mas wali", "permisi mau lapor", "pagi min", "ijin lapor", ""]
CLOSINGS_FORMAL = ["Atas perhatian dan tindak lanjutnya kami ucapkan terima kasih.", "Mohon segera ditindaklanjuti. Terima kasih.",
                   "Demikian pengaduan ini kami sampaikan.", "Wassalamualaikum.", "Besar harapan kami agar segera ditangani.",
                   "Terima kasih atas perhatiannya."]
CLOSINGS_INFORMAL = ["makasih", "tolong segera ya pak", "mksh min", "ditunggu tindakannya", "trims", "mohon ditindak",
                     "sudah lapor berkali kali tapi belum ada tanggapan", "terima kasih pak", "", "", "!!"]
SECOND_ISSUE_JOINS = ["Selain itu, ", "Satu lagi, ", "Oh iya, ", "Sekalian mau lapor juga, ", "Ditambah lagi "]

# Informal spellings applied in SMS/social style (inverse of data/slang.csv, a few entries).
INFORMAL = {"tidak": ["tdk", "gak", "ga", "nggak"], "yang": ["yg"], "sudah": ["sdh", "udah", "udh"],
            "jalan": ["jln", "jl"], "dengan": ["dgn"], "untuk": ["utk"], "karena": ["krn", "karna"],
            "belum": ["blm", "belom"], "sangat": ["bgt", "sangat"], "saya": ["sy", "aku"], "tolong": ["tlg"],
            "mohon": ["mhn"], "sekarang": ["skrg"], "rumah": ["rmh"], "warga": ["wrg", "warga"],
            "bapak": ["bpk", "pak"], "sampai": ["sampe", "smp"], "banyak": ["byk", "bnyk"], "juga": ["jg"],
            "kelurahan": ["kel"], "kecamatan": ["kec"], "terima kasih": ["makasih", "trims", "tks"]}


def _place(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.35:
        return rng.choice(STREETS)
    if kind < 0.55:
        return f"{rng.choice(STREETS)} RT {rng.randint(1, 12):02d} RW {rng.randint(1, 9):02d}"
    if kind < 0.75:
        return f"{rng.choice(LANDMARKS)} kelurahan {rng.choice(KELURAHAN)}"
    if kind < 0.9:
        return f"gang {rng.randint(1, 9)} kelurahan {rng.choice(KELURAHAN)}"
    return f"{rng.choice(STREETS)} km {rng.randint(2, 15)}"


def _fill(text: str, rng: random.Random) -> str:
    return text.format(loc=_place(rng), dur=rng.choice(DURATIONS), kel=rng.choice(KELURAHAN), link=rng.choice(LINKS))


def _informal(text: str, rng: random.Random) -> str:
    for word, variants in INFORMAL.items():
        if word in text and rng.random() < 0.7:
            text = text.replace(word, rng.choice(variants))
    return text


def _typos(text: str, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(1, max(2, len(chars) - 1))
        if chars[i].isalpha():
            op = rng.random()
            if op < 0.4:
                chars[i] = ""
            elif op < 0.7 and i + 1 < len(chars):
                chars[i], chars[i + 1] = chars[i + 1], chars[i]
            else:
                chars[i] = chars[i] * 3  # elongation ("lamaaa")
    return "".join(chars)


def _compose(core: str, rng: random.Random, second: str | None) -> str:
    style = rng.random()
    body = core[0].upper() + core[1:] + "."
    if second:
        body += " " + rng.choice(SECOND_ISSUE_JOINS) + second + "."
    if style < 0.3:  # formal letter
        opening = _fill(rng.choice(OPENINGS_FORMAL), rng)
        intro = rng.choice(["Saya ingin melaporkan bahwa ", "Kami warga setempat menyampaikan bahwa ",
                            "Bersama ini kami sampaikan keluhan: ", ""])
        text = f"{opening} {intro}{body[0].lower() if intro else body[0]}{body[1:]} {rng.choice(CLOSINGS_FORMAL)}"
        if rng.random() < 0.3:
            text += f" Hormat saya, warga {rng.choice(KELURAHAN)}."
        return text
    if style < 0.65:  # SMS 1708: short, informal, lower case, often no punctuation
        text = _informal(f"{rng.choice(OPENINGS_INFORMAL)} {body} {rng.choice(CLOSINGS_INFORMAL)}".strip(), rng)
        text = text.lower()
        if rng.random() < 0.5:
            text = text.replace(",", "").replace(".", "")
        return _typos(text, rng) if rng.random() < 0.5 else text
    if style < 0.85:  # social media post
        tag = rng.choice(["@pemkot", "@lapor1708", "@humas_pemda", "#lapor", "#tolongpak", ""])
        text = _informal(f"{tag} {body} {rng.choice(CLOSINGS_INFORMAL)}".strip(), rng)
        return _typos(text, rng) if rng.random() < 0.4 else text
    return body  # plain, just the substance


def build(seed: int = 2026, per_core: int = 5) -> list[dict[str, str]]:
    """All seed rows: each core in several frames and places, hoaxes, and hard negatives."""
    rng = random.Random(seed)
    rows: dict[str, dict[str, str]] = {}

    def add(group: str, category: str, agency: str, core: str, misinformation: int, second: str | None = None) -> None:
        text = _compose(_fill(core, rng), rng, second)
        rows.setdefault(text, {"text": text, "category": category, "agency": agency,
                               "misinformation": str(misinformation), "district": rng.choice(DISTRICTS + [""]),
                               "group": group})

    for number, (category, agency, core) in enumerate(CORES):
        for i in range(per_core):
            second = None
            if i == per_core - 1 and rng.random() < 0.5:  # some complaints carry a minor second issue
                other = rng.choice(CORES)
                second = _fill(other[2], rng) if other[0] != category else None
            add(f"core-{number:03d}", category, agency, core, 0, second)
    for number, (category, agency, core) in enumerate(HOAXES):
        for _ in range(5):
            add(f"hoax-{number:02d}", category, agency, core, 1)
    for number, (category, agency, core) in enumerate(HARD_NEGATIVES):
        for _ in range(4):
            add(f"negative-{number:02d}", category, agency, core, 0)
    out = list(rows.values())
    rng.shuffle(out)
    return out


def main(path: str) -> None:
    rows = build()
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, ["text", "category", "agency", "misinformation", "district", "group"])
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} rows, {sum(r['misinformation'] == '1' for r in rows)} misinformation -> {path}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "data/seed_complaints.csv")
