//! Generated case files, for benchmarks and trials: deterministic, realistic, linked.
//!
//! `casegen::write` (from the benchmark, the tests, and `cargo run -p casegen --example write`) writes
//! RECORDS records in the format people write by hand: Persian
//! and Arabic names in several transliterations (Ja'far, Ja’far, Jafar; `al-` and `Abd al-`
//! forms), partial, uncertain and disputed dates, figures that disagree between sources, and
//! citations both bare and with locators. Every link resolves, so `dossier check` is clean on
//! the result. The text is assembled from templates written here, not copied from any case.
//!
//! Each record is drawn from its own random stream, seeded by (seed, kind, number). Records are
//! therefore independent: they are written in parallel and in any order and still come out
//! byte-identical, and a record that names another (a participant, a camp, a cited source)
//! recomputes that record's id from the other's stream instead of looking it up. Nothing is kept
//! in memory but the records being written.

use std::fmt::Write as _;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use dossier_core::date::days_in_month;
use dossier_core::model::{Kind, STATUSES};

/// Write `records` records generated from `seed` into `dir`, which must be absent or empty;
/// returns how many were written.
pub fn write(dir: &Path, records: usize, seed: u64) -> io::Result<usize> {
    prepare(dir)?;
    for kind in Kind::ALL {
        std::fs::create_dir(dir.join(kind.folder()))?;
    }
    let plan = Plan::new(records, seed);
    (0..records).into_par_iter().try_for_each_init(
        || (String::with_capacity(8 * 1024), PathBuf::new()),
        |(text, path), i| {
            let (kind, id) = plan.render(i, text);
            path.clear();
            path.push(dir);
            path.push(kind.folder());
            path.push(id);
            path.set_extension("yaml");
            std::fs::File::create(&*path)?.write_all(text.as_bytes())
        },
    )?;
    Ok(records)
}

/// Create the folder, or accept it if it exists and is empty: generated files must never mix
/// with someone's real ones.
fn prepare(dir: &Path) -> io::Result<()> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => match entries.next() {
            None => Ok(()),
            Some(_) => Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                "the folder is not empty; generate into a new or empty folder",
            )),
        },
        Err(e) if e.kind() == io::ErrorKind::NotFound => std::fs::create_dir_all(dir),
        Err(e) => Err(e),
    }
}

/// Vigna's `SplitMix64`: ten lines, fast, and plenty random for picking names.
#[derive(Clone, Debug)]
struct Rng(u64);

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    fn new(seed: u64, stream: u64) -> Rng {
        Rng(mix(seed ^ mix(stream)))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// A number in `0..n`; `n` must not be 0.
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }

    fn between(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below((hi - lo + 1) as usize) as u32
    }

    fn percent(&mut self, p: usize) -> bool {
        self.below(100) < p
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    fn weighted<T: Copy>(&mut self, items: &[(T, usize)]) -> T {
        let total: usize = items.iter().map(|(_, w)| w).sum();
        let mut at = self.below(total);
        for &(item, w) in items {
            if at < w {
                return item;
            }
            at -= w;
        }
        items[items.len() - 1].0
    }

    /// A year of the period the cases cover, most often around 2009-2013.
    fn year(&mut self) -> u32 {
        2003 + self.between(0, 7) + self.between(0, 6)
    }
}

/// How many records of each kind, and where each kind starts in the numbering.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Plan {
    seed: u64,
    people: usize,
    incidents: usize,
    camps: usize,
    organizations: usize,
    sources: usize,
}

impl Plan {
    /// About 40% people, 45% incidents, 0.5% camps (at least 3), one organisation per
    /// publisher once there are a hundred records, and the rest sources; at least one source,
    /// since every other record cites one.
    fn new(n: usize, seed: u64) -> Plan {
        let sources = (n / 1000 * 145 + n % 1000 * 145 / 1000).max(1).min(n);
        let camps = (n / 200).max(3).min(n - sources);
        let organizations = PUBLISHERS.len().min(n / 100).min(n - sources - camps);
        let rest = n - sources - camps - organizations;
        let people = rest * 40 / 85;
        Plan {
            seed,
            people,
            incidents: rest - people,
            camps,
            organizations,
            sources,
        }
    }

    fn rng(&self, kind: Kind, n: usize) -> Rng {
        Rng::new(self.seed, ((kind as u64) << 56) ^ n as u64)
    }

    /// The kind of the `i`-th record and its number within the kind.
    fn locate(&self, i: usize) -> (Kind, usize) {
        let mut i = i;
        for (kind, count) in [
            (Kind::Person, self.people),
            (Kind::Incident, self.incidents),
            (Kind::Camp, self.camps),
            (Kind::Organization, self.organizations),
        ] {
            if i < count {
                return (kind, i);
            }
            i -= count;
        }
        (Kind::Source, i)
    }

    /// Write the `i`-th record's file into `out`; its kind and id.
    fn render(&self, i: usize, out: &mut String) -> (Kind, String) {
        out.clear();
        let (kind, n) = self.locate(i);
        let id = match kind {
            Kind::Person => self.person(n, out),
            Kind::Incident => self.incident(n, out),
            Kind::Camp => self.camp(n, out),
            Kind::Organization => self.organization(n, out),
            Kind::Source => self.source(n, out),
        };
        (kind, id)
    }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary. Each name lists its spellings; the first is the usual one.

type Spellings = &'static [&'static str];

const PERSIAN_MEN: &[Spellings] = &[
    &["Ja'far", "Ja’far", "Jafar", "Jaafar", "Djafar"],
    &["Hossein", "Hosein", "Husayn", "Hussein"],
    &["Mohammad", "Mohammed", "Muhammad", "Mohamad"],
    &["Ali", "‘Ali", "'Ali", "Aly"],
    &["Reza", "Rida", "Redha"],
    &["Mahmoud", "Mahmud", "Mahmood"],
    &["Mas'ud", "Masoud", "Massoud", "Mas‘ūd"],
    &["Sa'id", "Saeed", "Said", "Sa’id"],
    &["Hassan", "Hasan", "Ḥasan"],
    &["Ghasem", "Qasem", "Qasim", "Kasem"],
    &["Akbar"],
    &["Asghar", "Asqar"],
    &["Mehdi", "Mahdi"],
    &["Morteza", "Murtada", "Mortaza"],
    &["Mostafa", "Mustafa", "Moustafa"],
    &["Abbas", "‘Abbas"],
    &["Behrouz", "Behruz"],
    &["Davoud", "Dawud", "Davood"],
    &["Esma'il", "Ismail", "Esmail", "Isma’il"],
    &["Gholamreza", "Gholam-Reza", "Ghulam Reza"],
    &["Habib"],
    &["Javad", "Jawad"],
    &["Kamran"],
    &["Manouchehr", "Manuchehr"],
    &["Nasser", "Naser", "Nasir"],
    &["Parviz", "Parvez"],
    &["Yousef", "Yusuf", "Youssef"],
    &["Siavash", "Siyavash"],
    &["Shahram"],
    &["Farhad"],
    &["Hamid"],
    &["Majid", "Madjid"],
];

const PERSIAN_WOMEN: &[Spellings] = &[
    &["Kolthoum", "Kolsoum", "Kulthum", "Kulthoum"],
    &["Fatemeh", "Fatima", "Fatemah"],
    &["Zahra", "Zahraa"],
    &["Maryam", "Mariam", "Maryem"],
    &["Ma'soumeh", "Masoumeh", "Ma’sumeh", "Masumeh"],
    &["Mahnaz"],
    &["Shahnaz"],
    &["Parvin"],
    &["Nasrin"],
    &["Soheila", "Sohaila"],
    &["Zohreh", "Zohre"],
    &["Roghieh", "Roqayyeh", "Ruqayya"],
    &["Khadijeh", "Khadija"],
    &["Robabeh", "Rubaba"],
    &["A'zam", "Azam", "A‘zam"],
    &["Mojgan", "Mozhgan"],
    &["Fereshteh", "Fereshte"],
    &["Leila", "Layla", "Leyla"],
    &["Shirin"],
    &["Tahereh", "Tahira"],
    &["Mahbobeh", "Mahboubeh", "Mahbuba"],
    &["Sakineh", "Sakina"],
    &["Ashraf"],
    &["Batoul", "Batool", "Batul"],
    &["Narges", "Nargis"],
    &["Simin"],
    &["Zeinab", "Zaynab", "Zainab"],
    &["Forough", "Furugh"],
];

const PERSIAN_FAMILY: &[Spellings] = &[
    &["Kazemi", "Kazimi", "Kadhemi"],
    &["Sarahati", "Sarahaty"],
    &["Azizi"],
    &["Hosseini", "Husseini", "Hosaini"],
    &["Mohammadi", "Muhammadi"],
    &["Rezaei", "Rezai", "Reza'i"],
    &["Ahmadi"],
    &["Karimi"],
    &["Moradi", "Muradi"],
    &["Jafari", "Ja'fari", "Jaafari", "Ja’fari"],
    &["Rahimi"],
    &["Ghorbani", "Qorbani"],
    &["Sadeghi", "Sadeqi"],
    &["Hashemi", "Hashimi"],
    &["Rostami", "Rustami"],
    &["Najafi"],
    &["Mousavi", "Musavi", "Moussavi"],
    &["Bagheri", "Baqeri"],
    &["Ebrahimi", "Ibrahimi"],
    &["Shirazi"],
    &["Tabrizi"],
    &["Esfahani", "Isfahani"],
    &["Kermani"],
    &["Lashkari", "Lashgari"],
    &["Heydari", "Haidari", "Heidari"],
    &["Nazari"],
    &["Soltani", "Sultani"],
    &["Zamani"],
    &["Nouri", "Nuri"],
    &["Kiani", "Kiyani"],
    &["Farahani"],
    &["Ansari"],
    &["Golestani"],
    &["Yazdani"],
    &["Akbari"],
    &["Salehi"],
    &["Amini"],
    &["Mohammadzadeh", "Mohammad-Zadeh"],
    &["Ghaffari", "Qaffari", "Ghafari"],
    &["Sa'idi", "Saidi", "Saeedi"],
    &["Taheri"],
    &["Rajabi"],
    &["Asadi"],
    &["Abbasi", "‘Abbasi"],
    &["Khorasani"],
    &["Mirzaei", "Mirza'i", "Mirzai"],
    &["Nikpour", "Nikpur"],
    &["Dehghan", "Dehqan"],
    &["Bahrami"],
];

const ARAB_MEN: &[Spellings] = &[
    &[
        "Abd al-Karim",
        "Abdul Karim",
        "Abdel Karim",
        "‘Abd al-Karim",
    ],
    &[
        "Abd al-Rahman",
        "Abdul Rahman",
        "Abdel-Rahman",
        "Abdurrahman",
    ],
    &["Abd Allah", "Abdullah", "Abdallah"],
    &["Abd al-Aziz", "Abdul Aziz", "Abdelaziz"],
    &["Abd al-Jabbar", "Abdul Jabbar"],
    &["Ahmad", "Ahmed"],
    &["Omar", "Umar", "‘Umar"],
    &["Khalid", "Khaled"],
    &["Mahmoud", "Mahmud"],
    &["Mustafa", "Mostafa"],
    &["Ibrahim", "Ebrahim"],
    &["Yusuf", "Youssef"],
    &["Haidar", "Haydar", "Hayder"],
    &["Sa'ad", "Saad", "Sa’d"],
    &["Qais", "Qays", "Kais"],
    &["Ziad", "Ziyad"],
    &["Uday", "Odai", "‘Udayy"],
    &["Faisal", "Faysal"],
    &["Jasim", "Jassim", "Jasem"],
    &["Hamza", "Hamzah"],
    &["Tariq", "Tareq", "Tarek"],
    &["Walid", "Waleed"],
    &["Muhannad", "Mohannad"],
    &["Nabil", "Nabeel"],
    &["Ali", "‘Ali", "Aly"],
    &["Hussein", "Husayn", "Hossein"],
];

const ARAB_WOMEN: &[Spellings] = &[
    &["Fatima", "Fatimah"],
    &["Zainab", "Zaynab", "Zeinab"],
    &["Aisha", "A'isha", "‘A’isha", "Aysha"],
    &["Khadija", "Khadijah"],
    &["Maryam", "Mariam"],
    &["Huda", "Hoda"],
    &["Su'ad", "Suad", "Souad"],
    &["Layla", "Leila"],
    &["Amal"],
    &["Nour", "Nur", "Noor"],
    &["Rana"],
    &["Iman", "Eman"],
    &["Samira", "Sameera"],
    &["Hana", "Hanaa"],
    &["Shatha", "Shaza"],
    &["Widad", "Wedad"],
    &["Ruqayya", "Roqaya"],
    &["Nada"],
];

const ARAB_FAMILY: &[Spellings] = &[
    &["al-Jaburi", "al-Jabouri", "Al Jabouri", "al-Juburi"],
    &["al-Dulaimi", "al-Duleimi", "Al Dulaimi"],
    &["al-Obeidi", "al-Ubaydi", "al-Obaidi"],
    &["al-Saadi", "al-Sa'di", "al-Sa’adi"],
    &["al-Zubaidi", "al-Zubaydi"],
    &["al-Hashimi", "al-Hashemi"],
    &["al-Shammari", "al-Shamari"],
    &["al-Rubaie", "al-Rubai'i", "al-Rubaye"],
    &["al-Janabi"],
    &["al-Khafaji"],
    &["al-Tikriti"],
    &["al-Tamimi", "al-Tameemi"],
    &["al-Azzawi", "al-'Azzawi", "al-‘Azzawi"],
    &["al-Karbalai", "al-Karbala'i"],
    &["al-Anbari"],
    &["al-Bayati"],
    &["al-Mashhadani"],
    &["al-Samarrai", "al-Samarra'i"],
    &["al-Kubaisi", "al-Kubaysi"],
    &["al-Lami"],
    &["al-Issawi", "al-Esawi"],
    &["al-Zaidi", "al-Zaydi"],
    &["Hammoudi", "Hamoudi"],
    &["Abboud", "Aboud"],
];

/// Camps: an English name and the Arabic word it translates.
const CAMP_NAMES: &[(&str, &str)] = &[
    ("Liberty", "Hurriya"),
    ("Ashraf", "Ashraf"),
    ("Hope", "Amal"),
    ("Peace", "Salam"),
    ("Light", "Nur"),
    ("Unity", "Wahda"),
    ("Dignity", "Karama"),
    ("Patience", "Sabr"),
    ("Olive", "Zaytun"),
    ("Palm", "Nakhil"),
    ("Euphrates", "Furat"),
    ("Tigris", "Dijla"),
    ("Crescent", "Hilal"),
    ("Dawn", "Fajr"),
    ("Return", "Awda"),
    ("Victory", "Nasr"),
    ("Spring", "Rabi'"),
    ("Garden", "Bustan"),
    ("Star", "Najma"),
    ("Gate", "Bab"),
    ("Falcon", "Saqr"),
    ("Cedar", "Arz"),
    ("Mercy", "Rahma"),
    ("Friendship", "Sadaqa"),
    ("Faith", "Iman"),
    ("Harvest", "Hasad"),
    ("River", "Nahr"),
    ("Oasis", "Waha"),
    ("Valley", "Wadi"),
    ("Mountain", "Jabal"),
];

/// Provinces with a centre in thousandths of a degree, and a town in each.
const PROVINCES: &[(&str, &str, u32, u32, &str)] = &[
    ("Iraq", "Baghdad", 33_310, 44_360, "Baghdad"),
    ("Iraq", "Diyala", 33_750, 45_000, "Khalis"),
    ("Iraq", "Anbar", 33_420, 43_300, "Ramadi"),
    ("Iraq", "Ninawa", 36_340, 43_130, "Mosul"),
    ("Iraq", "Erbil", 36_190, 44_010, "Erbil"),
    ("Iraq", "Dohuk", 36_870, 42_990, "Zakho"),
    ("Iraq", "Kirkuk", 35_470, 44_390, "Kirkuk"),
    ("Iraq", "Salah al-Din", 34_600, 43_680, "Samarra"),
    ("Iraq", "Basra", 30_510, 47_810, "Basra"),
    ("Iraq", "Najaf", 32_030, 44_350, "Kufa"),
    ("Iraq", "Karbala", 32_620, 44_020, "Karbala"),
    ("Iraq", "Babil", 32_480, 44_420, "Hilla"),
    ("Iraq", "Wasit", 32_500, 45_830, "Kut"),
    ("Iraq", "Sulaymaniyah", 35_560, 45_440, "Halabja"),
    ("Jordan", "Mafraq", 32_340, 36_210, "Mafraq"),
    ("Syria", "Al-Hasakah", 36_500, 40_740, "Hasakah"),
    ("Turkey", "Şanlıurfa", 37_160, 38_790, "Suruç"),
];

/// Where an incident happened, with the preposition that goes before it.
const PLACES: &[(&str, &str)] = &[
    ("in", "Baghdad"),
    ("in", "Khalis, Diyala"),
    ("in", "Ba'quba"),
    ("in", "Fallujah"),
    ("in", "Ramadi"),
    ("in", "Mosul"),
    ("in", "Kirkuk"),
    ("in", "Erbil"),
    ("in", "Basra"),
    ("in", "Karbala"),
    ("in", "Najaf"),
    ("in", "Tikrit"),
    ("in", "Samarra"),
    ("in", "Abu Ghraib"),
    ("at", "a checkpoint on the Baghdad–Khalis road"),
    ("at", "Baghdad International Airport"),
    ("at", "the Jordanian border at Trebil"),
    ("in", "Tehran"),
    ("in", "Evin prison, Tehran"),
    ("in", "Mashhad"),
    ("in", "Ahvaz"),
    ("in", "Kermanshah"),
    ("in", "Gohardasht prison, Karaj"),
    ("in", "Zahedan"),
    ("in", "Sanandaj"),
    ("in", "Urmia"),
];

/// Home towns, Iranian then Iraqi.
const IRANIAN_TOWNS: &[&str] = &[
    "Tehran",
    "Mashhad",
    "Tabriz",
    "Isfahan",
    "Shiraz",
    "Ahvaz",
    "Kermanshah",
    "Rasht",
    "Qazvin",
    "Hamadan",
    "Sanandaj",
    "Zanjan",
];
const IRAQI_TOWNS: &[&str] = &[
    "Baghdad", "Basra", "Mosul", "Najaf", "Kirkuk", "Hilla", "Ba'quba", "Ramadi", "Kut", "Amara",
];

/// Who publishes sources: the name, the short form used in source ids, whether the name takes
/// "the" in a sentence, and how their references look.
struct Publisher {
    name: &'static str,
    short: &'static str,
    the: bool,
    reference: Reference,
    /// What sort of body it is, for its organisation record.
    body_type: &'static str,
}

const fn publisher(
    name: &'static str,
    short: &'static str,
    the: bool,
    reference: Reference,
    body_type: &'static str,
) -> Publisher {
    Publisher {
        name,
        short,
        the,
        reference,
        body_type,
    }
}

const PUBLISHERS: &[Publisher] = &[
    publisher(
        "Amnesty International",
        "ai",
        false,
        Reference::Amnesty,
        "human-rights organisation",
    ),
    publisher(
        "Human Rights Watch",
        "hrw",
        false,
        Reference::None,
        "human-rights organisation",
    ),
    publisher(
        "UN Assistance Mission for Iraq",
        "unami",
        true,
        Reference::Un,
        "UN mission",
    ),
    publisher("UNHCR", "unhcr", false, Reference::Un, "UN agency"),
    publisher(
        "UN Working Group on Enforced or Involuntary Disappearances",
        "wgeid",
        true,
        Reference::Un,
        "UN working group",
    ),
    publisher(
        "Office of the UN High Commissioner for Human Rights",
        "ohchr",
        true,
        Reference::Un,
        "UN office",
    ),
    publisher(
        "International Committee of the Red Cross",
        "icrc",
        true,
        Reference::None,
        "humanitarian organisation",
    ),
    publisher(
        "Iraqi Ministry of Human Rights",
        "mohr",
        true,
        Reference::Numbered,
        "government ministry",
    ),
    publisher(
        "US Department of State",
        "dos",
        true,
        Reference::Numbered,
        "government department",
    ),
    publisher(
        "European Parliament",
        "ep",
        true,
        Reference::Numbered,
        "parliament",
    ),
    publisher(
        "Agence France-Presse",
        "afp",
        false,
        Reference::None,
        "news agency",
    ),
    publisher("Reuters", "reuters", false, Reference::None, "news agency"),
    publisher(
        "Associated Press",
        "ap",
        true,
        Reference::None,
        "news agency",
    ),
    publisher(
        "Al Jazeera",
        "aljazeera",
        false,
        Reference::None,
        "broadcaster",
    ),
    publisher(
        "The Guardian",
        "guardian",
        false,
        Reference::None,
        "newspaper",
    ),
    publisher(
        "Iran Human Rights Documentation Center",
        "ihrdc",
        true,
        Reference::None,
        "documentation centre",
    ),
    publisher(
        "Camp residents' committee",
        "residents",
        true,
        Reference::Numbered,
        "residents' body",
    ),
];

impl Publisher {
    /// The name as it reads inside a sentence.
    fn in_sentence(&self) -> String {
        if self.the {
            format!("the {}", self.name)
        } else {
            self.name.to_owned()
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Reference {
    None,
    Amnesty,
    Un,
    Numbered,
}

const SOURCE_TYPES: &[(&str, usize)] = &[
    ("press release", 20),
    ("report", 18),
    ("news article", 22),
    ("letter", 8),
    ("statement", 10),
    ("testimony", 8),
    ("court document", 4),
    ("resolution", 3),
    ("submission", 4),
    ("video", 3),
];

const INCIDENT_TYPES: &[(&str, usize)] = &[
    ("attack", 12),
    ("raid", 8),
    ("abduction", 10),
    ("detention", 12),
    ("execution", 6),
    ("killing", 10),
    ("statement", 6),
    ("letter", 4),
    ("decision", 3),
    ("deadline", 2),
    ("transfer", 5),
    ("relocation", 3),
    ("agreement", 2),
    ("resignation", 1),
    ("testimony", 6),
    ("investigation", 4),
    ("siege", 3),
    ("sentence", 5),
    ("designation", 1),
    ("conference", 1),
    ("other", 2),
];

/// Groups named in free text, with the role they usually play.
const GROUPS: &[(&str, &str)] = &[
    ("Iraqi security forces", "perpetrator"),
    ("unidentified gunmen", "perpetrator"),
    ("a militia", "perpetrator"),
    ("prison authorities", "perpetrator"),
    ("Iraqi police", "perpetrator"),
    ("the Revolutionary Court", "perpetrator"),
    ("intelligence officers", "perpetrator"),
    ("masked men in uniform", "perpetrator"),
    ("camp residents", ""),
    ("the residents' committee", "witness"),
    ("the camp management", "official"),
    ("UN monitors", "witness"),
    ("relatives of the victims", "complainant"),
];

/// The groups that act rather than suffer or watch.
const PERPETRATORS: &[&str] = &[
    "Iraqi security forces",
    "unidentified gunmen",
    "a militia",
    "Iraqi police",
    "intelligence officers",
    "masked men in uniform",
];

const WEAPONS: &[&str] = &["Rocket", "Mortar", "Missile", "Bomb", "Sniper"];

const OFFICES: &[&str] = &[
    "UN Secretary-General",
    "Prime Minister's office",
    "Ministry of Interior",
    "Ministry of Justice",
    "High Commissioner for Refugees",
    "camp administration",
];

const PROFESSIONS: &[&str] = &[
    "teacher",
    "nurse",
    "engineer",
    "physician",
    "mechanic",
    "translator",
    "student",
    "farmer",
    "journalist",
    "pharmacist",
    "electrician",
    "shopkeeper",
];

const AFFILIATIONS: &[&str] = &[
    "residents' committee",
    "camp medical staff",
    "women's council",
    "the camp's media office",
    "Red Crescent volunteers",
    "teachers' association",
];

const TAGS: &[&str] = &[
    "medical care",
    "hostages",
    "protest",
    "hunger strike",
    "transfer",
    "fair trial",
    "enforced disappearance",
    "torture",
    "family visits",
    "refoulement",
    "siege",
    "testimony",
];

const CONTROLLERS: &[&str] = &[
    "Iraqi Ministry of Interior",
    "Iraqi army",
    "US forces",
    "Multi-National Force – Iraq",
    "Kurdistan Regional Government",
    "UNHCR",
    "camp residents",
    "a provincial police command",
];

// ---------------------------------------------------------------------------------------------
// Names.

/// A person's name: given name, an optional middle part (a compound given name or, in Arabic
/// names, the father's name) and family name, each with the spelling the record is filed under.
#[derive(Clone, Debug)]
struct Identity {
    female: bool,
    arab: bool,
    parts: [Option<Spellings>; 3],
    spelling: [usize; 3],
}

impl Identity {
    fn draw(rng: &mut Rng) -> Identity {
        let arab = rng.percent(35);
        let female = rng.percent(40);
        let given = rng.pick(match (arab, female) {
            (false, false) => PERSIAN_MEN,
            (false, true) => PERSIAN_WOMEN,
            (true, false) => ARAB_MEN,
            (true, true) => ARAB_WOMEN,
        });
        let middle = match (arab, female) {
            (true, _) if rng.percent(60) => Some(rng.pick(ARAB_MEN)),
            (false, false) if rng.percent(12) => Some(rng.pick(PERSIAN_MEN)),
            _ => None,
        };
        let family = rng.pick(if arab { ARAB_FAMILY } else { PERSIAN_FAMILY });
        let parts = [Some(given), middle, Some(family)];
        let mut spelling = [0; 3];
        for (s, part) in spelling.iter_mut().zip(&parts) {
            if let Some(p) = part
                && rng.percent(30)
            {
                *s = rng.below(p.len());
            }
        }
        Identity {
            female,
            arab,
            parts,
            spelling,
        }
    }

    fn spelled(&self, spelling: [usize; 3], skip_middle: bool) -> String {
        let mut out = String::new();
        for (i, (part, &s)) in self.parts.iter().zip(&spelling).enumerate() {
            let Some(part) = part else { continue };
            if i == 1 && skip_middle {
                continue;
            }
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(part[s.min(part.len() - 1)]);
        }
        out
    }

    fn name(&self) -> String {
        self.spelled(self.spelling, false)
    }

    /// Up to `count` other names: other transliterations, an Arabic name without the father's
    /// name, a kunya (Abu/Umm and a son's name).
    fn aliases(&self, rng: &mut Rng, count: usize) -> Vec<String> {
        let name = self.name();
        let mut out: Vec<String> = Vec::new();
        for _ in 0..count * 3 {
            if out.len() == count {
                break;
            }
            let alias = match rng.below(4) {
                0 if self.arab => {
                    let son = rng.pick(ARAB_MEN)[0];
                    format!("{} {son}", if self.female { "Umm" } else { "Abu" })
                }
                1 if self.parts[1].is_some() => self.spelled(self.spelling, true),
                _ => {
                    let mut s = self.spelling;
                    for (x, part) in s.iter_mut().zip(&self.parts) {
                        if let Some(p) = part {
                            *x = rng.below(p.len());
                        }
                    }
                    self.spelled(s, false)
                }
            };
            if alias != name && !out.contains(&alias) {
                out.push(alias);
            }
        }
        out
    }

    fn pronoun(&self) -> (&'static str, &'static str, &'static str) {
        if self.female {
            ("she", "her", "her")
        } else {
            ("he", "him", "his")
        }
    }
}

/// Append an id made from a name: lowercase ASCII words joined by `-`; apostrophes and accents
/// dropped, so "Ja’far Kazemi" becomes `jafar-kazemi`.
fn push_slug(out: &mut String, name: &str) {
    let mut wrote = false;
    let mut dash = false;
    for c in name.chars() {
        let c = match c {
            'ā' | 'á' | 'à' => 'a',
            'ī' | 'ı' => 'i',
            'ū' => 'u',
            'ç' => 'c',
            'Ḥ' | 'ḥ' => 'h',
            'ş' | 'Ş' => 's',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            if dash {
                out.push('-');
                dash = false;
            }
            out.push(c.to_ascii_lowercase());
            wrote = true;
        } else if !matches!(c, '\'' | '’' | '‘') {
            dash = wrote;
        }
    }
}

impl Plan {
    fn person_identity(&self, n: usize) -> (Identity, Rng) {
        let mut rng = self.rng(Kind::Person, n);
        let who = Identity::draw(&mut rng);
        (who, rng)
    }

    fn push_person_id(&self, out: &mut String, n: usize) {
        let start = out.len();
        push_slug(out, &self.person_identity(n).0.name());
        if out.len() == start {
            out.push_str("person");
        }
        let _ = write!(out, "-{n}");
    }

    fn person_id(&self, n: usize) -> String {
        let mut s = String::new();
        self.push_person_id(&mut s, n);
        s
    }

    fn camp_name(n: usize) -> String {
        let (name, _) = CAMP_NAMES[n % CAMP_NAMES.len()];
        match n / CAMP_NAMES.len() {
            0 => format!("Camp {name}"),
            round => format!("Camp {name} {}", round + 1),
        }
    }

    fn push_camp_id(out: &mut String, n: usize) {
        push_slug(out, &Plan::camp_name(n));
    }

    fn camp_id(n: usize) -> String {
        let mut s = String::new();
        Plan::push_camp_id(&mut s, n);
        s
    }

    fn source_head(&self, n: usize) -> (usize, u32, Rng) {
        let mut rng = self.rng(Kind::Source, n);
        let publisher = rng.below(PUBLISHERS.len());
        let year = rng.year() + rng.between(0, 2);
        (publisher, year, rng)
    }

    fn push_source_id(&self, out: &mut String, n: usize) {
        let (publisher, year, _) = self.source_head(n);
        let _ = write!(out, "{}-{year}-{n}", PUBLISHERS[publisher].short);
    }

    fn random_source(&self, rng: &mut Rng) -> usize {
        rng.below(self.sources.max(1))
    }
}

// ---------------------------------------------------------------------------------------------
// Writing YAML by hand: a plain scalar where that reads as the same string, else double quotes.

/// Would `s` read back as the same string if written plain in block context?
fn plain_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let reserved = ["true", "false", "yes", "no", "on", "off", "null", "y", "n"];
    !first.is_ascii_digit()
        && !"-?:,[]{}#&*!|>'\"%@`.+~ ".contains(first)
        && !s.ends_with([' ', ':'])
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.chars().any(char::is_control)
        && !reserved.iter().any(|r| r.eq_ignore_ascii_case(s))
}

/// Would `s` also be safe inside a flow list `[a, b]`?
fn flow_ok(s: &str) -> bool {
    plain_ok(s) && !s.contains([',', '[', ']', '{', '}'])
}

fn push_scalar(out: &mut String, s: &str) {
    if plain_ok(s) {
        out.push_str(s);
        return;
    }
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn indent(out: &mut String, n: usize) {
    for _ in 0..n {
        out.push(' ');
    }
}

/// `key: value` at an indent.
fn field(out: &mut String, at: usize, key: &str, value: &str) {
    indent(out, at);
    out.push_str(key);
    out.push_str(": ");
    push_scalar(out, value);
    out.push('\n');
}

/// A list of strings: `[a, b]` when every item allows it, else one `- item` a line.
fn string_list(out: &mut String, at: usize, key: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    indent(out, at);
    out.push_str(key);
    out.push(':');
    if items.iter().all(|s| flow_ok(s)) && items.iter().map(String::len).sum::<usize>() < 60 {
        out.push_str(" [");
        for (i, s) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(s);
        }
        out.push_str("]\n");
    } else {
        out.push('\n');
        for s in items {
            indent(out, at + 2);
            out.push_str("- ");
            push_scalar(out, s);
            out.push('\n');
        }
    }
}

/// A paragraph: plain when short, else folded (`>-`) and wrapped as people write it.
fn paragraph(out: &mut String, key: &str, text: &str) {
    if text.len() <= 60 && plain_ok(text) {
        field(out, 0, key, text);
        return;
    }
    out.push_str(key);
    out.push_str(": >-\n");
    let mut width = 0;
    for word in text.split(' ') {
        if width > 0 && width + 1 + word.len() > 76 {
            out.push('\n');
            width = 0;
        }
        if width == 0 {
            out.push_str("  ");
        } else {
            out.push(' ');
        }
        out.push_str(word);
        width += word.len() + 1;
    }
    out.push('\n');
}

// ---------------------------------------------------------------------------------------------
// Dates.

/// The days of a month, by the calendar the loader checks dates against.
fn days_in(year: u32, month: u32) -> u32 {
    let (Ok(year), Ok(month)) = (u16::try_from(year), u8::try_from(month)) else {
        return 28;
    };
    u32::from(days_in_month(year, month))
}

/// A date as researchers write them: a day, a month, a year, approximate (`~`), uncertain (`?`),
/// or an interval.
fn push_date(out: &mut String, rng: &mut Rng, year: u32) {
    let month = rng.between(1, 12);
    let day = rng.between(1, days_in(year, month));
    match rng.below(100) {
        0..45 => {
            let _ = write!(out, "{year}-{month:02}-{day:02}");
        }
        45..65 => {
            let _ = write!(out, "{year}-{month:02}");
        }
        65..75 => {
            let _ = write!(out, "{year}");
        }
        75..83 => {
            let _ = write!(out, "{year}-{month:02}~");
        }
        83..88 => {
            let _ = write!(out, "{year}-{month:02}-{day:02}?");
        }
        88..92 => {
            let _ = write!(out, "{year}?");
        }
        92..97 => {
            let end = rng.between(month, 12);
            let _ = write!(out, "{year}-{month:02}/{year}-{end:02}");
        }
        _ => {
            let _ = write!(out, "{year}-{month:02}-{day:02}/..");
        }
    }
}

fn date_string(rng: &mut Rng, year: u32) -> String {
    let mut s = String::new();
    push_date(&mut s, rng, year);
    s
}

impl Plan {
    /// `key: date`, or, for a disputed date, one claim per source with a note.
    fn dates(&self, out: &mut String, rng: &mut Rng, key: &str, year: u32, disputed: bool) {
        let first = date_string(rng, year);
        if !disputed || self.sources < 2 {
            let _ = writeln!(out, "{key}: {first}");
            return;
        }
        let _ = writeln!(out, "{key}:");
        let second_year = year + u32::from(rng.percent(20));
        let mut second = date_string(rng, second_year);
        if second == first {
            second = (year + 1).to_string();
        }
        let a = self.random_source(rng);
        let mut b = self.random_source(rng);
        if a == b {
            b = (a + 1) % self.sources;
        }
        for (i, (date, src)) in [(first, a), (second, b)].into_iter().enumerate() {
            let _ = writeln!(out, "  - date: {date}");
            out.push_str("    sources: [");
            self.push_source_id(out, src);
            out.push_str("]\n");
            if i == 1 || rng.percent(30) {
                let note = rng.pick(&[
                    "date given by relatives",
                    "as reported the following week",
                    "the official account gives this date",
                    "from a witness interviewed later",
                    "date of the first report, not of the event",
                ]);
                field(out, 4, "note", note);
            }
        }
    }

    /// A citations list under `key`: bare ids, or `{source, locator, note}`.
    fn citations(&self, out: &mut String, rng: &mut Rng, at: usize, key: &str, max: usize) {
        if self.sources == 0 {
            return;
        }
        let count = 1 + rng.below(max.min(self.sources));
        let mut picked = [0usize; 4];
        for p in picked.iter_mut().take(count) {
            *p = self.random_source(rng);
        }
        let picked = &picked[..count];
        let full: Vec<bool> = picked.iter().map(|_| rng.percent(25)).collect();
        indent(out, at);
        out.push_str(key);
        out.push(':');
        if !full.contains(&true) {
            out.push_str(" [");
            for (i, &p) in picked.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                self.push_source_id(out, p);
            }
            out.push_str("]\n");
            return;
        }
        out.push('\n');
        for (&p, &full) in picked.iter().zip(&full) {
            indent(out, at + 2);
            out.push_str("- ");
            if !full {
                self.push_source_id(out, p);
                out.push('\n');
                continue;
            }
            out.push_str("source: ");
            self.push_source_id(out, p);
            out.push('\n');
            let locator = match rng.below(5) {
                0 => format!("p. {}", rng.between(1, 120)),
                1 => format!("paragraph {}", rng.between(1, 60)),
                2 => format!("para. {}", rng.between(1, 60)),
                3 => format!("annex {}", rng.pick(&["I", "II", "III", "IV"])),
                _ => format!("{}:{:02}", rng.between(0, 40), rng.between(0, 59)),
            };
            field(out, at + 4, "locator", &locator);
            if rng.percent(40) {
                let note = rng.pick(&[
                    "quotes a resident by name",
                    "secondhand account",
                    "gives the figure without a source",
                    "the list of names is in the annex",
                    "translated from Arabic",
                    "translated from Persian",
                ]);
                field(out, at + 4, "note", note);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// People.

impl Plan {
    fn person(&self, n: usize, out: &mut String) -> String {
        let (who, mut rng) = self.person_identity(n);
        let rng = &mut rng;
        let id = self.person_id(n);
        let name = who.name();
        field(out, 0, "name", &name);
        let alias_count = rng.weighted(&[(0, 40), (1, 30), (2, 20), (3, 10)]);
        string_list(out, 0, "aliases", &who.aliases(rng, alias_count));
        if rng.percent(85) {
            field(out, 0, "sex", if who.female { "female" } else { "male" });
        }
        if rng.percent(60) {
            let nationality = if who.arab { "Iraqi" } else { "Iranian" };
            field(out, 0, "nationality", nationality);
        }
        let status = rng.pick(STATUSES);
        if rng.percent(92) {
            field(out, 0, "status", status);
        }
        let event_year = rng.year();
        if rng.percent(40) {
            born(out, rng);
        }
        if matches!(status, "killed" | "died" | "executed") && rng.percent(70) {
            let disputed = rng.percent(10);
            self.dates(out, rng, "died", event_year, disputed);
        }
        let camp = (self.camps > 0).then(|| rng.below(self.camps));
        if let Some(c) = camp
            && rng.percent(65)
        {
            let mut camps = vec![Plan::camp_id(c)];
            if rng.percent(20) {
                let other = Plan::camp_id(rng.below(self.camps));
                if other != camps[0] {
                    camps.push(other);
                }
            }
            string_list(out, 0, "camps", &camps);
        }
        if rng.percent(20) {
            string_list(out, 0, "affiliations", &[rng.pick(AFFILIATIONS).to_owned()]);
        }
        if rng.percent(8) {
            self.position(out, rng);
        }
        if rng.percent(80) {
            let summary = person_summary(&who, &name, status, camp, event_year, rng);
            paragraph(out, "summary", &summary);
        }
        if rng.percent(15) {
            string_list(out, 0, "tags", &[rng.pick(TAGS).to_owned()]);
        }
        self.citations(out, rng, 0, "sources", 3);
        if self.people > 1 && rng.percent(5) {
            let other = (n + 1 + rng.below(self.people - 1)) % self.people;
            string_list(out, 0, "related", &[self.person_id(other)]);
        }
        id
    }

    fn position(&self, out: &mut String, rng: &mut Rng) {
        let title = rng.pick(&[
            "member of the residents' committee",
            "camp spokesperson",
            "head of the clinic",
            "liaison with the UN monitors",
            "school director",
        ]);
        let from = rng.year();
        out.push_str("positions:\n");
        let _ = writeln!(out, "  - title: {title}");
        if rng.percent(60) {
            field(out, 4, "organisation", rng.pick(AFFILIATIONS));
        }
        let _ = writeln!(out, "    from: {from}");
        if rng.percent(50) {
            let _ = writeln!(out, "    to: {}", from + rng.between(0, 4));
        }
        self.citations(out, rng, 4, "sources", 1);
    }
}

/// A birth date: usually a year, often approximate, sometimes a range of years.
fn born(out: &mut String, rng: &mut Rng) {
    let year = rng.between(1940, 1995);
    let _ = match rng.below(5) {
        0 | 1 => writeln!(out, "born: {year}"),
        2 => writeln!(out, "born: {year}~"),
        3 => {
            let (m, d) = (rng.between(1, 12), rng.between(1, 28));
            writeln!(out, "born: {year}-{m:02}-{d:02}")
        }
        _ => writeln!(out, "born: {year}/{}", year + rng.between(1, 5)),
    };
}

fn person_summary(
    who: &Identity,
    name: &str,
    status: &str,
    camp: Option<usize>,
    year: u32,
    rng: &mut Rng,
) -> String {
    let (he, him, his) = who.pronoun();
    let publisher = PUBLISHERS[rng.below(PUBLISHERS.len())].in_sentence();
    let towns = if who.arab { IRAQI_TOWNS } else { IRANIAN_TOWNS };
    let mut s = String::new();
    match (camp, rng.below(3)) {
        (Some(c), 0 | 1) => {
            let _ = write!(
                s,
                "{name} lived in {} from {}.",
                Plan::camp_name(c),
                year - rng.between(1, 6)
            );
        }
        (_, 0) => {
            let _ = write!(s, "{name} was born in {}.", rng.pick(towns));
        }
        _ => {
            let job = rng.pick(PROFESSIONS);
            let a = if job.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            let _ = write!(
                s,
                "{name} worked as {a} {job} in {} before {year}.",
                rng.pick(towns)
            );
        }
    }
    let fate = match status {
        "killed" => format!(
            " {} was killed in {year}, according to {publisher}.",
            cap(he)
        ),
        "abducted" => format!(
            " {} was abducted near {} in {year} and has not been seen since.",
            cap(he),
            rng.pick(PLACES).1
        ),
        "detained" => format!(" {} has been held without charge since {year}.", cap(he)),
        "executed" => format!(
            " {} was executed in {year} after a trial that {publisher} called unfair.",
            cap(he)
        ),
        "missing" | "disappeared" => {
            format!(
                " {} family has had no news of {him} since {year}.",
                cap(his)
            )
        }
        "injured" => format!(
            " {} was injured in {year} and treated at a field clinic.",
            cap(he)
        ),
        "released" => format!(
            " {} was released in {year} after {} months in detention.",
            cap(he),
            rng.between(2, 30)
        ),
        "died" => format!(
            " {} died in {year} after being denied medical care.",
            cap(he)
        ),
        "alive" => format!(" {} gave testimony to {publisher} in {year}.", cap(he)),
        _ => format!(" {} fate is not known.", cap(his)),
    };
    if rng.percent(85) {
        s.push_str(&fate);
    }
    if rng.percent(35) {
        let _ = write!(
            s,
            " {} raised {his} case with the {} in {}.",
            cap(&publisher),
            rng.pick(OFFICES),
            year + rng.between(0, 2)
        );
    }
    if rng.percent(20) {
        let _ = write!(s, " Relatives say {he} had no political role.");
    }
    s
}

/// "a" or "an" and the phrase, by how the phrase sounds.
fn article(phrase: &str) -> String {
    let an = phrase.starts_with(['a', 'e', 'i', 'o', 'U']) && !phrase.starts_with("UN ");
    format!("{} {phrase}", if an { "an" } else { "a" })
}

fn cap(word: &str) -> String {
    let mut c = word.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Incidents.

/// What an incident's id and name are made of, drawn first from its stream.
struct IncidentHead {
    kind: &'static str,
    year: u32,
    camp: Option<usize>,
    subject: Option<usize>,
    preposition: &'static str,
    place: &'static str,
}

fn centres_on_a_person(kind: &str) -> bool {
    matches!(
        kind,
        "abduction" | "detention" | "execution" | "killing" | "testimony" | "sentence"
    )
}

impl Plan {
    fn incident_head(&self, n: usize) -> (IncidentHead, Rng) {
        let mut rng = self.rng(Kind::Incident, n);
        let kind = rng.weighted(INCIDENT_TYPES);
        let year = rng.year();
        let camp_share = match kind {
            _ if centres_on_a_person(kind) => 45,
            "attack" | "raid" => 85,
            _ => 100,
        };
        let camp = (self.camps > 0 && rng.percent(camp_share)).then(|| rng.below(self.camps));
        let subject =
            (self.people > 0 && centres_on_a_person(kind)).then(|| rng.below(self.people));
        let (preposition, place) = rng.pick(PLACES);
        (
            IncidentHead {
                kind,
                year,
                camp,
                subject,
                preposition,
                place,
            },
            rng,
        )
    }

    fn incident_name(&self, h: &IncidentHead, rng: &mut Rng) -> String {
        let camp = h.camp.map(Plan::camp_name);
        let at = camp.as_deref().unwrap_or(h.place);
        let subject = h.subject.map_or_else(
            || format!("residents of {at}"),
            |p| self.person_identity(p).0.name(),
        );
        let weapon = rng.pick(WEAPONS);
        match h.kind {
            "attack" if camp.is_some() => format!("{weapon} attack on {at}"),
            "attack" => format!("{weapon} attack near {at}"),
            "raid" => format!(
                "{} {at}",
                rng.pick(&["Raid on", "Night raid at", "Search of"])
            ),
            "abduction" => format!("Abduction of {subject} {} {}", h.preposition, h.place),
            "detention" => format!("{} of {subject}", rng.pick(&["Arrest", "Detention"])),
            "execution" => format!("Execution of {subject}"),
            "killing" => format!("Killing of {subject} near {}", h.place),
            "statement" => format!("{} statement on {at}", PUBLISHERS[rng.below(5)].name),
            "letter" => format!("Letter from residents of {at} to the {}", rng.pick(OFFICES)),
            "decision" => format!("Decision to close {at}"),
            "deadline" => format!("Deadline for residents to leave {at}"),
            "transfer" => format!("Transfer of residents from {at}"),
            "relocation" => format!("Relocation of {} residents from {at}", rng.between(20, 900)),
            "agreement" => format!("Agreement on the relocation of residents of {at}"),
            "resignation" => format!("Resignation of the head of the {}", rng.pick(OFFICES)),
            "testimony" => format!("Testimony of {subject}"),
            "investigation" => format!(
                "Investigation into the {} attack on {at}",
                weapon.to_lowercase()
            ),
            "siege" => format!(
                "{} of {at}",
                rng.pick(&["Siege", "Medical blockade", "Fuel blockade"])
            ),
            "sentence" => format!(
                "{} for {subject}",
                rng.pick(&["Death sentence", "Prison sentence"])
            ),
            "designation" => format!("Designation of {}", rng.pick(PERPETRATORS)),
            "conference" => format!("Conference on {at} in Geneva"),
            _ => format!(
                "{} at {at}",
                rng.pick(&["Hunger strike", "Protest", "Fire"])
            ),
        }
    }

    fn push_incident_id(&self, out: &mut String, n: usize) {
        let (h, _) = self.incident_head(n);
        out.push_str(h.kind);
        out.push('-');
        match (h.subject, h.camp) {
            (Some(p), _) => push_slug(out, &self.person_identity(p).0.name()),
            (None, Some(c)) => Plan::push_camp_id(out, c),
            (None, None) => push_slug(out, h.place),
        }
        let _ = write!(out, "-{}-{n}", h.year);
    }

    fn incident(&self, n: usize, out: &mut String) -> String {
        let (h, mut rng) = self.incident_head(n);
        let rng = &mut rng;
        let mut id = String::new();
        self.push_incident_id(&mut id, n);
        field(out, 0, "name", &self.incident_name(&h, rng));
        field(out, 0, "type", h.kind);
        let disputed = rng.percent(12);
        self.dates(out, rng, "date", h.year, disputed);
        if let Some(c) = h.camp {
            let _ = writeln!(out, "camp: {}", Plan::camp_id(c));
        }
        if h.camp.is_none() || rng.percent(30) {
            field(out, 0, "place", h.place);
        }
        self.participants(out, rng, &h);
        self.figures(out, rng, &h);
        if rng.percent(85) {
            paragraph(out, "summary", &self.incident_summary(&h, disputed, rng));
        }
        if rng.percent(20) {
            string_list(out, 0, "tags", &[rng.pick(TAGS).to_owned()]);
        }
        self.citations(out, rng, 0, "sources", 3);
        if self.incidents > 1 && rng.percent(4) {
            let other = (n + 1 + rng.below(self.incidents - 1)) % self.incidents;
            let mut related = String::new();
            self.push_incident_id(&mut related, other);
            string_list(out, 0, "related", &[related]);
        }
        id
    }

    fn participants(&self, out: &mut String, rng: &mut Rng, h: &IncidentHead) {
        let count = 1 + rng.below(6);
        let (role, acts): (&str, &[&str]) = match h.kind {
            "attack" | "siege" => ("victim", &["killed", "injured", "wounded"]),
            "raid" => ("victim", &["injured", "detained", "beaten"]),
            "abduction" => ("victim", &["abducted"]),
            "detention" => ("detainee", &["detained", "arrested", "released"]),
            "execution" => ("victim", &["executed"]),
            "killing" => ("victim", &["killed", "shot"]),
            "sentence" => ("defendant", &["sentenced"]),
            "testimony" => ("witness", &["testified"]),
            "transfer" | "relocation" => ("resident", &["transferred", "relocated"]),
            _ => ("signatory", &["signed", "spoke"]),
        };
        out.push_str("participants:\n");
        for i in 0..count {
            let person = match (i, h.subject) {
                (0, Some(p)) => Some(p),
                _ if self.people > 0 && rng.percent(60) => Some(rng.below(self.people)),
                _ => None,
            };
            let mut role = role;
            match person {
                Some(p) => {
                    out.push_str("  - person: ");
                    self.push_person_id(out, p);
                    out.push('\n');
                }
                None => {
                    let (group, usual) = rng.pick(GROUPS);
                    if !usual.is_empty() {
                        role = usual;
                    }
                    field(out, 2, "- group", group);
                }
            }
            if i > 0 && role != "perpetrator" && rng.percent(15) {
                role = "witness";
            }
            field(out, 4, "role", role);
            if role != "witness" && rng.percent(70) {
                let act = match role {
                    "perpetrator" => rng.pick(&["fired", "raided", "arrested", "abducted"]),
                    "official" | "complainant" => rng.pick(&["spoke", "complained"]),
                    _ => rng.pick(acts),
                };
                field(out, 4, "act", act);
            }
            if rng.percent(25) {
                self.citations(out, rng, 4, "sources", 1);
            }
            if rng.percent(5) {
                field(out, 4, "note", "named in a later list of victims");
            }
        }
    }

    fn figures(&self, out: &mut String, rng: &mut Rng, h: &IncidentHead) {
        let what: &[&str] = match h.kind {
            "attack" | "killing" => &["killed", "injured"],
            "raid" => &["injured", "detained", "killed"],
            "abduction" => &["abducted"],
            "detention" => &["detained"],
            "execution" | "sentence" => &["executed", "sentenced"],
            "siege" => &["patients denied care", "killed"],
            "transfer" | "relocation" | "deadline" => &["residents moved"],
            _ => return,
        };
        let count = rng.below(4);
        if count == 0 {
            return;
        }
        out.push_str("figures:\n");
        for _ in 0..count {
            let what = rng.pick(what);
            let base = u64::from(rng.between(1, 60));
            figure(out, rng, what, base, h.year, self);
            if rng.percent(25) {
                // The same figure as another source gives it.
                let other = base + u64::from(rng.between(1, 40));
                figure(out, rng, what, other, h.year, self);
            }
        }
    }

    fn incident_summary(&self, h: &IncidentHead, disputed: bool, rng: &mut Rng) -> String {
        let at = h.camp.map_or_else(|| h.place.to_owned(), Plan::camp_name);
        let publisher = PUBLISHERS[rng.below(PUBLISHERS.len())].in_sentence();
        let mut s = match h.kind {
            "attack" => format!("{}s struck {at} early in the morning.", rng.pick(WEAPONS)),
            "raid" => format!("{} entered {at} before dawn.", cap(rng.pick(PERPETRATORS))),
            "abduction" | "detention" | "killing" | "execution" | "sentence" | "testimony" => {
                let who = h.subject.map_or_else(
                    || "A resident".to_owned(),
                    |p| self.person_identity(p).0.name(),
                );
                format!(
                    "{who} was last seen {} {} in {}.",
                    h.preposition, h.place, h.year
                )
            }
            _ => format!("{} reported the {} in {}.", cap(&publisher), h.kind, h.year),
        };
        if rng.percent(50) {
            let _ = write!(
                s,
                " Witnesses described {} arriving in {} vehicles.",
                rng.pick(PERPETRATORS),
                rng.between(2, 12)
            );
        }
        if disputed {
            s.push_str(" Sources give different dates for the event.");
        }
        if rng.percent(30) {
            s.push_str(" The authorities did not respond to requests for comment.");
        }
        if rng.percent(25) {
            let _ = write!(
                s,
                " {} called for an independent investigation.",
                cap(&publisher)
            );
        }
        s
    }
}

/// One figure, as a list item: a count, a range, or a qualifier, with its source.
fn figure(out: &mut String, rng: &mut Rng, what: &str, base: u64, year: u32, plan: &Plan) {
    field(out, 2, "- what", what);
    match rng.below(10) {
        0..5 => {
            let _ = writeln!(out, "    count: {base}");
        }
        5..7 => {
            let _ = writeln!(out, "    count: {base}");
            let q = rng.pick(&["at least", "about", "more than", "nearly", "up to"]);
            field(out, 4, "qualifier", q);
        }
        7..9 => {
            let _ = writeln!(out, "    min: {base}");
            let _ = writeln!(out, "    max: {}", base + u64::from(rng.between(1, 50)));
        }
        _ => field(
            out,
            4,
            "qualifier",
            rng.pick(&["several", "dozens", "some", "many"]),
        ),
    }
    if rng.percent(30) {
        out.push_str("    date: ");
        push_date(out, rng, year);
        out.push('\n');
    }
    plan.citations(out, rng, 4, "sources", 1);
    if rng.percent(10) {
        field(out, 4, "note", "the government gave a lower figure");
    }
}

// ---------------------------------------------------------------------------------------------
// Camps and sources.

impl Plan {
    fn camp(&self, n: usize, out: &mut String) -> String {
        let mut rng = self.rng(Kind::Camp, n);
        let rng = &mut rng;
        let name = Plan::camp_name(n);
        let id = Plan::camp_id(n);
        let (english, arabic) = CAMP_NAMES[n % CAMP_NAMES.len()];
        field(out, 0, "name", &name);
        let mut aliases = Vec::new();
        if arabic != english {
            aliases.push(format!("Mukhayyam al-{arabic}"));
        }
        if rng.percent(50) {
            aliases.push(format!("{english} Camp"));
        }
        string_list(out, 0, "aliases", &aliases);
        let (country, province, lat, lon, town) = rng.pick(PROVINCES);
        out.push_str("location:\n");
        field(out, 2, "country", country);
        field(out, 2, "province", province);
        let km = rng.between(3, 80);
        let description = format!(
            "{} {km} km {} of {town}",
            rng.pick(&[
                "former military base",
                "former airbase",
                "desert site",
                "former school compound"
            ]),
            rng.pick(&["north", "south", "east", "west", "north-east", "south-west"])
        );
        field(out, 2, "description", &description);
        if rng.percent(70) {
            let lat = lat - 300 + rng.between(0, 600);
            let lon = lon - 300 + rng.between(0, 600);
            out.push_str("  coordinates:\n");
            let _ = writeln!(out, "    lat: {}.{:03}", lat / 1000, lat % 1000);
            let _ = writeln!(out, "    lon: {}.{:03}", lon / 1000, lon % 1000);
        }
        let opened = rng.between(1986, 2012);
        let disputed = rng.percent(15);
        self.dates(out, rng, "opened", opened, disputed);
        if rng.percent(30) {
            let closed = (opened + rng.between(1, 8)).min(2016);
            let _ = writeln!(out, "closed: {closed}");
        }
        // Each figure is the camp's size as one source gave it, some years after it opened.
        let size = rng.between(100, 3_400);
        out.push_str("population:\n");
        for _ in 0..rng.between(1, 4) {
            let residents = u64::from(size * rng.between(70, 130) / 100);
            let year = opened + rng.between(1, 4);
            figure(out, rng, "residents", residents, year, self);
        }
        out.push_str("control:\n");
        let mut from = opened;
        for _ in 0..rng.between(1, 3) {
            field(out, 2, "- by", rng.pick(CONTROLLERS));
            let _ = writeln!(out, "    from: {from}");
            from += rng.between(1, 4);
            if rng.percent(60) {
                let _ = writeln!(out, "    to: {from}");
            }
            self.citations(out, rng, 4, "sources", 1);
        }
        if rng.percent(60) {
            let _ = writeln!(out, "area: about {} hectares", rng.between(5, 400));
        }
        let summary = format!(
            "{name} is a {description}. It held about {size} residents in {}. Residents have complained of restrictions on {}.",
            opened + rng.between(1, 5),
            rng.pick(&[
                "medical care",
                "family visits",
                "fuel deliveries",
                "movement outside the camp"
            ])
        );
        paragraph(out, "summary", &summary);
        self.citations(out, rng, 0, "sources", 3);
        id
    }

    /// The record of the `n`-th publisher: who it is, and the first of its sources on file.
    fn organization(&self, n: usize, out: &mut String) -> String {
        let publisher = &PUBLISHERS[n];
        field(out, 0, "name", publisher.name);
        let short = publisher.short.to_uppercase();
        if short.len() < publisher.name.len() && publisher.short != "residents" {
            string_list(out, 0, "aliases", &[short]);
        }
        field(out, 0, "type", publisher.body_type);
        let summary = format!(
            "{} is {} whose documents these case files cite.",
            cap(&publisher.in_sentence()),
            article(publisher.body_type)
        );
        paragraph(out, "summary", &summary);
        // Its own first source says who it is; any source does if it has none on file.
        let own = (0..self.sources.min(500)).find(|&s| self.source_head(s).0 == n);
        out.push_str("sources: [");
        self.push_source_id(out, own.unwrap_or(0));
        out.push_str("]\n");
        Plan::organization_id(n)
    }

    /// An organisation's id: its name in lower case, words joined by hyphens.
    fn organization_id(n: usize) -> String {
        let mut id = String::new();
        for word in PUBLISHERS[n]
            .name
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            if !id.is_empty() {
                id.push('-');
            }
            id.push_str(&word.to_ascii_lowercase());
        }
        id
    }

    fn source(&self, n: usize, out: &mut String) -> String {
        let (publisher, year, mut rng) = self.source_head(n);
        let rng = &mut rng;
        let mut id = String::new();
        self.push_source_id(&mut id, n);
        let publisher_n = publisher;
        let publisher = &PUBLISHERS[publisher];
        let kind = rng.weighted(SOURCE_TYPES);
        let camp = (self.camps > 0).then(|| Plan::camp_name(rng.below(self.camps)));
        let about = camp.as_deref().unwrap_or("Iraq");
        let title = self.source_title(rng, kind, publisher.name, about, year);
        field(out, 0, "title", &cap(&title));
        if publisher_n < self.organizations {
            let id = Plan::organization_id(publisher_n);
            let _ = writeln!(out, "publisher: {{organization: {id}}}");
        } else {
            field(out, 0, "publisher", publisher.name);
        }
        field(out, 0, "type", kind);
        out.push_str("issued: ");
        push_date(out, rng, year);
        out.push('\n');
        let _ = match publisher.reference {
            Reference::Amnesty => writeln!(
                out,
                "reference: MDE {}/{:03}/{year}",
                rng.pick(&["13", "14"]),
                rng.between(1, 60)
            ),
            Reference::Un => writeln!(
                out,
                "reference: A/HRC/{}/{}",
                rng.between(4, 33),
                rng.between(1, 80)
            ),
            Reference::Numbered if rng.percent(60) => {
                writeln!(out, "reference: No. {}", rng.between(100, 9_999))
            }
            _ => Ok(()),
        };
        if rng.percent(35) {
            let _ = writeln!(
                out,
                "url: https://www.example.org/{}/{year}/{n}",
                publisher.short
            );
        }
        if rng.percent(20) {
            let perspective = rng.pick(&[
                "independent",
                "government",
                "residents",
                "intergovernmental",
            ]);
            field(out, 0, "perspective", perspective);
        }
        if rng.percent(40) {
            let summary = format!(
                "A {kind} by {} on the situation at {about}. It cites interviews with {} former residents.",
                publisher.in_sentence(),
                rng.between(2, 60)
            );
            paragraph(out, "summary", &summary);
        }
        id
    }

    fn source_title(
        &self,
        rng: &mut Rng,
        kind: &str,
        publisher: &str,
        about: &str,
        year: u32,
    ) -> String {
        match kind {
            "press release" => format!(
                "{} urges investigation into events at {about}",
                short(publisher)
            ),
            "report" => format!(
                "Iraq: residents of {about} at risk of {}",
                rng.pick(&[
                    "forcible transfer",
                    "refoulement",
                    "further attacks",
                    "medical neglect"
                ])
            ),
            "news article" => format!(
                "{} at {about}, {} say",
                rng.pick(&[
                    "Gunfire reported",
                    "Residents protest",
                    "Rockets hit",
                    "Arrests"
                ]),
                rng.pick(&["officials", "residents", "witnesses"])
            ),
            "letter" => format!("Letter to the {} concerning {about}", rng.pick(OFFICES)),
            "testimony" if self.people > 0 => {
                let who = self.person_identity(rng.below(self.people)).0.name();
                format!("Testimony of {who}")
            }
            "court document" => format!(
                "Judgment of the {} court, case {}/{year}",
                rng.pick(&["Baghdad", "Revolutionary", "Criminal"]),
                rng.between(1, 900)
            ),
            _ => format!("{} {kind} on {about}", short(publisher)),
        }
    }
}

/// A publisher's name as the start of a title: "Amnesty International", "UNHCR".
fn short(name: &str) -> &str {
    name.strip_prefix("the ").unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::path::PathBuf;

    use super::*;
    use dossier_core::index::Catalog;
    use dossier_core::load::parse_record;

    #[test]
    fn the_plan_adds_up_and_keeps_every_kind() {
        for n in [10, 11, 57, 200, 1_000, 10_000, 1_000_000] {
            let p = Plan::new(n, 1);
            assert_eq!(
                p.people + p.incidents + p.camps + p.organizations + p.sources,
                n,
                "{p:?}"
            );
            assert!(p.camps >= 3 && p.sources >= 1 && p.people >= 1, "{p:?}");
        }
        let p = Plan::new(1_000_000, 1);
        assert_eq!(
            (p.people, p.incidents, p.camps, p.organizations, p.sources),
            (399_992, 449_991, 5_000, PUBLISHERS.len(), 145_000)
        );
        for n in 0..10 {
            let p = Plan::new(n, 1);
            assert_eq!(
                p.people + p.incidents + p.camps + p.organizations + p.sources,
                n
            );
        }
    }

    fn render_all(n: usize, seed: u64) -> Vec<(Kind, String, String)> {
        let plan = Plan::new(n, seed);
        (0..n)
            .map(|i| {
                let mut text = String::new();
                let (kind, id) = plan.render(i, &mut text);
                (kind, id, text)
            })
            .collect()
    }

    #[test]
    fn ids_are_unique_across_kinds() {
        let all = render_all(20_000, 7);
        let mut seen = HashSet::new();
        for (_, id, _) in &all {
            assert!(seen.insert(id.clone()), "duplicate id {id}");
        }
    }

    #[test]
    fn every_record_loads_clean_and_every_link_resolves() {
        for (n, seed) in [(10, 1), (37, 2), (3_000, 3)] {
            let mut records = Vec::new();
            let mut diagnostics = Vec::new();
            for (kind, id, text) in render_all(n, seed) {
                let rel = format!("{}/{id}.yaml", kind.folder());
                let (r, d) = parse_record(&rel, kind, &text);
                assert!(d.is_empty(), "{rel}: {d:?}\n{text}");
                records.extend(r);
                diagnostics.extend(d);
            }
            let c = Catalog::build(PathBuf::from("/gen"), records, diagnostics);
            assert_eq!(c.len(), n);
            assert!(c.diagnostics().is_empty(), "{:?}", &c.diagnostics()[..1]);
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_records_and_another_seed_others() {
        assert_eq!(render_all(300, 5), render_all(300, 5));
        assert_ne!(render_all(300, 5), render_all(300, 6));
    }

    #[test]
    fn names_come_in_several_spellings() {
        let all = render_all(5_000, 11);
        let text: String = all.iter().map(|(_, _, t)| t.as_str()).collect();
        for needle in [
            "Ja'far",
            "Ja’far",
            "‘Ali",
            "Abd al-",
            "al-",
            "aliases:",
            "~",
            "?\n",
            "/..",
            "locator:",
            "  - date:",
            "min:",
            "group:",
        ] {
            assert!(
                text.contains(needle),
                "no {needle:?} in the generated files"
            );
        }
    }

    #[test]
    fn scalars_that_yaml_would_misread_are_quoted() {
        for (s, quoted) in [
            ("Ja'far Kazemi", false),
            ("'Ali Hassan", true),
            ("‘Ali Hassan", false),
            ("yes", true),
            ("2013 attacks", true),
            ("a: b", true),
            ("Camp Liberty", false),
        ] {
            let mut out = String::new();
            push_scalar(&mut out, s);
            assert_eq!(out.starts_with('"'), quoted, "{s}");
            let (r, d) = parse_record(
                "people/x.yaml",
                Kind::Person,
                &format!("name: {out}\nsources: [s]\n"),
            );
            assert!(d.is_empty(), "{d:?}");
            assert_eq!(r.unwrap().name.raw(), s);
        }
    }

    #[test]
    fn slugs_drop_apostrophes_and_accents() {
        let slug = |s: &str| {
            let mut out = String::new();
            push_slug(&mut out, s);
            out
        };
        assert_eq!(slug("Ja’far Kazemi"), "jafar-kazemi");
        assert_eq!(slug("‘Abd al-Karim al-Jaburi"), "abd-al-karim-al-jaburi");
        assert_eq!(slug("Mas‘ūd Ḥasan"), "masud-hasan");
        assert_eq!(slug("Camp Liberty 2"), "camp-liberty-2");
    }
}
