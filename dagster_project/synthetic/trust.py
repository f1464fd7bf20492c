"""The fictional trust: sites, Clinical Service Units (CSUs) and wards/locations.

`build_trust(seed, 0, ...)` is the single large trust `Z9T` (3 sites, 18 CSUs, ~150 locations,
~18,000 staff). At national scale trusts 1..n-1 are smaller variants of the same template with
their own codes (`Z0A`, ...), a subset of CSUs and their own performance offsets. Codes that
other extracts key on (CSU, location, site) are unique across trusts: a national landing file
holds every trust's rows and its key must still be unique.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from .streams import stream

ORG_CODE = "Z9T"  # not a real ODS code
DEFAULT_STAFF = 18_000
SITES = (
    ("01", "Northgate General Hospital"),
    ("02", "Riverside Hospital"),
    ("03", "St Aidan's Community Hospital"),
)
EXTRA_SITE_NAMES = (
    "Kingsmere Hospital", "Ashvale General Hospital", "Meadowbank Hospital",
    "Oakhurst Community Hospital", "Elmstead Hospital", "Brackenfield General Hospital",
    "Hollowmere Hospital", "Westbrook Infirmary", "Larkspur Community Hospital",
)

# Location kinds: what the location is, which FFT setting it returns, what drives its incidents.
KIND_FFT = {
    "ward": ("inpatient",),
    "daycase": ("inpatient", "outpatient"),
    "ed": ("ae",),
    "maternity": ("maternity",),
    "clinic": ("outpatient",),
    "imaging": ("outpatient",),
    "community": ("community",),
    "mh": ("mental_health",),
    "theatre": (),
    "lab": (),
    "office": (),
}
# Incidents a month for a location that is not bed-based (wards use bed days instead).
KIND_INCIDENTS = {
    "ward": 0.0, "daycase": 14.0, "ed": 0.0, "maternity": 24.0, "clinic": 7.0, "imaging": 11.0,
    "community": 14.0, "mh": 9.0, "theatre": 38.0, "lab": 14.0, "office": 9.0,
}

ESR_GROUP_DEFAULT = {
    "nursing_midwifery_registered": 0.34, "additional_clinical_services": 0.24,
    "medical_dental": 0.14, "administrative_clerical": 0.14, "allied_health_professionals": 0.05,
    "add_prof_scientific_technical": 0.03, "healthcare_scientists": 0.01,
    "estates_ancillary": 0.02, "students": 0.03,
}


@dataclass(frozen=True)
class CsuTemplate:
    code: str
    name: str
    staff_share: float
    wards: tuple[str, ...] = ()  # inpatient ward specialties (one ward each)
    others: tuple[tuple[str, str], ...] = ()  # (kind, name) non-ward locations
    beds: tuple[int, int] = (24, 32)
    alos: float = 5.0  # average length of stay, days
    incidents_per_1000_bed_days: float = 50.0
    falls_factor: float = 1.0
    specialties: tuple[str, ...] = ()  # 3-digit NHS treatment function codes
    ed_attendances: tuple[int, ...] = ()  # monthly attendances per ED location
    ae_4h: float = 0.75
    group_mix: dict[str, float] = field(default_factory=dict)
    core: bool = False  # every trust at national scale has it


CSU_TEMPLATES: tuple[CsuTemplate, ...] = (
    CsuTemplate(
        "AMS", "Abdominal Medicine & Surgery", 0.08,
        wards=("General Surgery", "Colorectal Surgery", "Upper GI Surgery", "Gastroenterology",
               "Hepatology", "Urology", "Vascular Surgery", "Surgical Assessment Unit",
               "Surgical High Care"),
        others=(("daycase", "Endoscopy Unit"), ("clinic", "General Surgery Outpatients"),
                ("clinic", "Gastroenterology Outpatients"), ("clinic", "Urology Outpatients")),
        alos=5.5, incidents_per_1000_bed_days=48, falls_factor=0.8,
        specialties=("100", "301", "101", "107", "306"), core=True),
    CsuTemplate(
        "CRS", "Cardio-Respiratory", 0.06,
        wards=("Cardiology", "Coronary Care Unit", "Respiratory Medicine",
               "Respiratory Support Unit", "Cardiothoracic Surgery", "Cardiology Step-down",
               "Thoracic Medicine"),
        others=(("daycase", "Cardiac Catheter Suite"), ("clinic", "Cardiology Outpatients"),
                ("clinic", "Respiratory Outpatients"), ("clinic", "Heart Failure Clinic")),
        alos=5.0, incidents_per_1000_bed_days=50, falls_factor=1.0,
        specialties=("320", "340", "172", "173"), core=True),
    CsuTemplate(
        "EMS", "Emergency & Specialty Medicine", 0.11,
        wards=("Acute Medical Unit", "Acute Medical Unit 2", "Short Stay Medicine",
               "General Medicine", "Endocrinology", "Infectious Diseases", "General Medicine 2"),
        others=(("ed", "Emergency Department"), ("ed", "Emergency Department"),
                ("daycase", "Same Day Emergency Care"), ("mh", "Psychiatric Liaison Service"),
                ("clinic", "Acute Medicine Clinic")),
        alos=3.5, incidents_per_1000_bed_days=58, falls_factor=1.15,
        specialties=("180", "300", "302", "350"), ed_attendances=(9_200, 5_600), ae_4h=0.72,
        core=True),
    CsuTemplate(
        "WOM", "Women's", 0.06,
        wards=("Gynaecology",),
        others=(("maternity", "Delivery Suite"), ("maternity", "Midwife-Led Birth Centre"),
                ("maternity", "Postnatal Ward"), ("maternity", "Antenatal Clinic"),
                ("maternity", "Community Midwifery"), ("clinic", "Gynaecology Outpatients"),
                ("daycase", "Early Pregnancy Unit")),
        alos=2.5, incidents_per_1000_bed_days=45, falls_factor=0.15,
        specialties=("501", "502", "560"), core=True),
    CsuTemplate(
        "CHI", "Children's", 0.05,
        wards=("Paediatric Medicine", "Paediatric Surgery", "Paediatric Assessment Unit",
               "Neonatal Intensive Care Unit"),
        others=(("ed", "Children's Emergency Department"), ("clinic", "Children's Outpatients"),
                ("mh", "Children's Mental Health Liaison")),
        beds=(16, 26), alos=2.5, incidents_per_1000_bed_days=40, falls_factor=0.25,
        specialties=("420", "171", "422"), ed_attendances=(3_300,), ae_4h=0.86),
    CsuTemplate(
        "ONC", "Oncology", 0.04,
        wards=("Medical Oncology", "Clinical Haematology", "Haemato-oncology"),
        others=(("daycase", "Chemotherapy Day Unit"), ("clinic", "Oncology Outpatients"),
                ("imaging", "Radiotherapy Department")),
        alos=7.0, incidents_per_1000_bed_days=45, falls_factor=0.9,
        specialties=("370", "800", "303")),
    CsuTemplate(
        "NEU", "Neurosciences", 0.04,
        wards=("Neurology", "Neurosurgery", "Hyper-Acute Stroke Unit", "Stroke Rehabilitation"),
        others=(("clinic", "Neurosciences Outpatients"), ("daycase", "Neurology Day Unit")),
        alos=9.0, incidents_per_1000_bed_days=54, falls_factor=1.4,
        specialties=("400", "150", "328")),
    CsuTemplate(
        "THA", "Theatres & Anaesthesia", 0.08,
        others=(("theatre", "Main Theatres"), ("theatre", "Riverside Theatres"),
                ("theatre", "Recovery"), ("daycase", "Day Surgery Unit"),
                ("clinic", "Pre-operative Assessment Clinic"), ("clinic", "Pain Clinic")),
        specialties=("190", "191"),
        group_mix={"nursing_midwifery_registered": 0.34, "medical_dental": 0.25,
                   "additional_clinical_services": 0.15, "allied_health_professionals": 0.10,
                   "administrative_clerical": 0.10, "estates_ancillary": 0.03, "students": 0.03},
        core=True),
    CsuTemplate(
        "RAD", "Radiology", 0.04,
        others=(("imaging", "Radiology Department"), ("imaging", "Imaging Department"),
                ("imaging", "MRI Unit"), ("imaging", "Breast Imaging")),
        specialties=("810",),
        group_mix={"allied_health_professionals": 0.45, "administrative_clerical": 0.20,
                   "medical_dental": 0.12, "additional_clinical_services": 0.12,
                   "nursing_midwifery_registered": 0.08, "add_prof_scientific_technical": 0.02,
                   "students": 0.01},
        core=True),
    CsuTemplate(
        "PAT", "Pathology", 0.04,
        others=(("lab", "Blood Sciences Laboratory"), ("lab", "Cellular Pathology"),
                ("lab", "Microbiology Laboratory"), ("clinic", "Phlebotomy")),
        specialties=("820", "823", "824"),
        group_mix={"healthcare_scientists": 0.50, "administrative_clerical": 0.20,
                   "additional_clinical_services": 0.12, "add_prof_scientific_technical": 0.10,
                   "medical_dental": 0.06, "students": 0.02},
        core=True),
    CsuTemplate(
        "TRS", "Trauma & Related Services", 0.06,
        wards=("Trauma", "Elective Orthopaedics", "Hip Fracture Unit", "Plastic Surgery",
               "Spinal Surgery", "Orthogeriatrics"),
        others=(("clinic", "Fracture Clinic"), ("clinic", "Orthopaedic Outpatients"),
                ("clinic", "Plastics Dressing Clinic")),
        alos=7.0, incidents_per_1000_bed_days=50, falls_factor=1.3,
        specialties=("110", "160", "108"), core=True),
    CsuTemplate(
        "HNK", "Head & Neck", 0.03,
        wards=("ENT", "Maxillofacial Surgery"),
        others=(("clinic", "Eye Clinic"), ("clinic", "ENT Outpatients"), ("clinic", "Audiology"),
                ("daycase", "Eye Day Case Unit")),
        alos=2.5, incidents_per_1000_bed_days=40, falls_factor=0.6,
        specialties=("120", "130", "144")),
    CsuTemplate(
        "SIM", "Specialty & Integrated Medicine", 0.05,
        wards=("Integrated Care", "Diabetes & Endocrinology", "Rheumatology",
               "Discharge to Assess", "General Medicine"),
        others=(("clinic", "Dermatology Outpatients"), ("clinic", "Rheumatology Outpatients"),
                ("clinic", "Diabetes Centre"), ("community", "Community Nursing Team North"),
                ("community", "Community Nursing Team South"),
                ("community", "Intermediate Care Team"), ("community", "Virtual Ward")),
        alos=8.0, incidents_per_1000_bed_days=50, falls_factor=1.1,
        specialties=("330", "410", "307", "350")),
    CsuTemplate(
        "DEN", "Dental", 0.01,
        others=(("clinic", "Dental Hospital"), ("clinic", "Oral Surgery Clinic"),
                ("clinic", "Orthodontics Clinic"), ("clinic", "Restorative Dentistry")),
        specialties=("140", "143", "141"),
        group_mix={"medical_dental": 0.40, "additional_clinical_services": 0.30,
                   "administrative_clerical": 0.20, "nursing_midwifery_registered": 0.06,
                   "students": 0.04}),
    CsuTemplate(
        "ACC", "Adult Critical Care", 0.04,
        wards=("Intensive Care Unit", "High Dependency Unit", "Riverside Critical Care Unit"),
        others=(("community", "Critical Care Outreach"),),
        beds=(10, 18), alos=5.0, incidents_per_1000_bed_days=70, falls_factor=0.2,
        specialties=("192",),
        group_mix={"nursing_midwifery_registered": 0.62, "medical_dental": 0.14,
                   "additional_clinical_services": 0.10, "allied_health_professionals": 0.05,
                   "administrative_clerical": 0.06, "students": 0.03}),
    CsuTemplate(
        "ELD", "Elderly Care", 0.08,
        wards=("Care of the Elderly", "Acute Frailty Unit", "Care of the Elderly 2",
               "Dementia Care", "Care of the Elderly 3", "Elderly Rehabilitation",
               "Stroke & Elderly Rehabilitation", "Elderly Medicine", "Community Rehabilitation"),
        others=(("community", "Community Falls Team"), ("community", "Frailty Virtual Ward"),
                ("clinic", "Older People's Outpatients")),
        alos=10.0, incidents_per_1000_bed_days=68, falls_factor=1.7,
        specialties=("430",), core=True),
    CsuTemplate(
        "REN", "Renal", 0.02,
        wards=("Renal Medicine", "Renal Transplant"),
        others=(("daycase", "Haemodialysis Unit"), ("daycase", "Satellite Dialysis Unit"),
                ("clinic", "Renal Outpatients")),
        alos=7.0, incidents_per_1000_bed_days=52, falls_factor=1.0,
        specialties=("361",)),
    CsuTemplate(
        "COR", "Corporate", 0.11,
        others=(("office", "Trust Headquarters"), ("office", "Estates & Facilities"),
                ("office", "Pharmacy"), ("office", "Patient Transport"),
                ("office", "Sterile Services"), ("office", "Health Records"),
                ("office", "Riverside Facilities"), ("office", "Catering & Domestic Services")),
        group_mix={"administrative_clerical": 0.55, "estates_ancillary": 0.30,
                   "add_prof_scientific_technical": 0.08, "additional_clinical_services": 0.03,
                   "nursing_midwifery_registered": 0.03, "medical_dental": 0.01},
        core=True),
)
TEMPLATES_BY_CODE = {t.code: t for t in CSU_TEMPLATES}

# A reorganisation: this ward moves CSU on this date (a new org_structure row from that day).
LOCATION_MOVES = (("EMS", "Endocrinology", "SIM", dt.date(2026, 4, 1)),)


@dataclass(frozen=True)
class Location:
    code: str
    name: str
    site_code: str
    kind: str
    csu: str  # template code (CSU at creation)
    csu_code: str  # the trust's code for that CSU
    beds: int
    fft: tuple[str, ...]
    ed_attendances: int = 0
    moves_to: str | None = None  # trust CSU code after the move
    move_date: dt.date | None = None
    valid_from: dt.date = dt.date(2020, 4, 1)


@dataclass
class Trust:
    index: int
    org_code: str
    size: float  # relative to Z9T
    staff: int
    sites: list[tuple[str, str]]
    csus: list[tuple[str, str, CsuTemplate]]  # (trust code, name, template)
    locations: list[Location]
    # Performance offsets, drawn once per trust: how this trust differs from the template.
    offsets: dict[str, float]
    plants_signals: bool

    @property
    def org_name(self) -> str:
        # fictional, like the code: never a real trust's name
        return f"Synthetic Trust {self.org_code}"

    def csu_code(self, template_code: str) -> str | None:
        for code, _name, tmpl in self.csus:
            if tmpl.code == template_code:
                return code
        return None


def national_org_code(index: int) -> str:
    if index == 0:
        return ORG_CODE
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    # Skip Z9T itself; codes Z00, Z01, ... are fictional.
    k = index - 1
    if k >= alphabet.index("9") * 36 + alphabet.index("T"):
        k += 1
    if k >= 36 * 36:
        raise ValueError("at most 1,295 fictional trusts")
    return f"Z{alphabet[k // 36]}{alphabet[k % 36]}"


def build_trust(seed: int, index: int, *, national: bool, staff: int | None = None) -> Trust:
    """Trust `index` (0 = Z9T). At trust scale only index 0 exists."""
    org = national_org_code(index)
    rng = stream(seed, index, "trust-shape")
    if index == 0:
        size = 1.0
        templates = list(CSU_TEMPLATES)
        n_sites = 3
    else:
        size = float(np.clip(rng.lognormal(np.log(0.36), 0.45), 0.12, 1.2))
        keep_p = min(1.0, 0.45 + size)
        templates = [t for t in CSU_TEMPLATES if t.core or rng.random() < keep_p]
        n_sites = int(np.clip(round(1 + size * 2.5 + rng.normal(0, 0.5)), 1, 4))
    n_staff = int(staff) if staff is not None else round(DEFAULT_STAFF * size)
    if index == 0:
        sites = [(f"{org}{num}", name) for num, name in SITES]
    else:
        names = list(EXTRA_SITE_NAMES)
        picks = rng.permutation(len(names))[:n_sites]
        sites = [(f"{org}{k + 1:02d}", names[p]) for k, p in enumerate(picks)]

    def csu_code(tcode: str) -> str:
        return tcode if index == 0 else f"{org}-{tcode}"

    csus = [(csu_code(t.code), t.name, t) for t in templates]
    kept = {t.code for t in templates}
    ward_scale = 1.0 if index == 0 else size ** 0.8

    locations: list[Location] = []
    counters: dict[str, int] = {}

    def next_code(letter: str) -> str:
        counters[letter] = counters.get(letter, 0) + 1
        return f"{org}{letter}{counters[letter]:03d}"

    def site_for(kind: str, k: int) -> str:
        if len(sites) == 1:
            return sites[0][0]
        if kind == "community" and len(sites) >= 3:
            return sites[2][0]
        if kind in ("ed", "theatre"):
            return sites[min(k, len(sites) - 1)][0]
        u = rng.random()
        if u < 0.62:
            return sites[0][0]
        if u < 0.9 or len(sites) == 2:
            return sites[1][0]
        return sites[int(rng.integers(2, len(sites)))][0]

    moves = {(frm, ward): (to, when) for frm, ward, to, when in LOCATION_MOVES}
    ward_number = 0
    for code, _name, t in csus:
        n_wards = len(t.wards) if index == 0 else max(1 if t.wards else 0,
                                                       round(len(t.wards) * ward_scale))
        for k in range(n_wards):
            spec = t.wards[k % len(t.wards)]
            ward_number += 1
            site = site_for("ward", k)
            if t.code == "ELD" and k >= 6 and len(sites) >= 3:
                site = sites[2][0]  # rehabilitation wards at the community hospital
            beds = int(rng.integers(t.beds[0], t.beds[1] + 1))
            move = moves.get((t.code, spec))
            moves_to = None
            if move and move[0] in kept:
                moves_to = csu_code(move[0])
            locations.append(Location(
                code=next_code("W"), name=f"Ward {ward_number} ({spec})", site_code=site,
                kind="ward", csu=t.code, csu_code=code, beds=beds, fft=KIND_FFT["ward"],
                moves_to=moves_to, move_date=move[1] if moves_to else None))
        others = list(t.others)
        if index != 0:
            n_keep = max(1, round(len(others) * ward_scale))
            ed = [o for o in others if o[0] == "ed"][:max(1, round(n_sites / 2))]
            rest = [o for o in others if o[0] != "ed"]
            others = ed + rest[:max(0, n_keep - len(ed))]
        # Outpatient clinics run at both acute hospitals (one FFT return per site).
        if len(sites) >= 2 and t.code not in ("DEN", "PAT"):
            others = [o for c in others
                      for o in ([("clinic@0", c[1]), ("clinic@1", c[1])] if c[0] == "clinic" else [c])]
        ed_k = 0
        for k, (kind, name) in enumerate(others):
            fixed_site = None
            if kind.startswith("clinic@"):
                fixed_site = sites[int(kind[-1])][0]
                kind = "clinic"
            letter = {"ed": "E", "maternity": "M", "community": "K", "theatre": "T",
                      "lab": "L", "office": "X", "imaging": "R"}.get(kind, "C")
            site = fixed_site or site_for(kind, ed_k if kind == "ed" else k)
            site_name = dict(sites)[site]
            label = (f"{name} - {site_name.split()[0]}"
                     if kind in ("ed", "theatre") or fixed_site else name)
            beds = int(rng.integers(22, 30)) if name == "Postnatal Ward" else 0
            att = 0
            if kind == "ed":
                base = t.ed_attendances[min(ed_k, len(t.ed_attendances) - 1)]
                att = int(base * (1.0 if index == 0 else size * rng.uniform(0.8, 1.3)))
                ed_k += 1
            locations.append(Location(
                code=next_code(letter), name=label, site_code=site, kind=kind, csu=t.code,
                csu_code=code, beds=beds, fft=KIND_FFT[kind], ed_attendances=att))

    offsets = {
        "fft": 0.0 if index == 0 else float(rng.normal(0, 0.015)),
        "ae_4h": 0.0 if index == 0 else float(rng.normal(0, 0.05)),
        "training": 0.0 if index == 0 else float(rng.normal(0, 0.5)),
        "reporting": 1.0 if index == 0 else float(rng.lognormal(0, 0.2)),
        "engagement": 0.0 if index == 0 else float(rng.normal(0, 0.25)),
    }
    return Trust(index=index, org_code=org, size=size, staff=n_staff, sites=sites, csus=csus,
                 locations=locations, offsets=offsets, plants_signals=index == 0)
