"""Names, streets and districts for synthetic residents, British and non-Anglo."""

FIRST_NAMES = (
    # British and Irish
    "Oliver", "George", "Harry", "Jack", "William", "Thomas", "James", "Robert", "Michael",
    "David", "Richard", "Christopher", "Daniel", "Matthew", "Andrew", "Stephen", "Jonathan",
    "Edward", "Samuel", "Joseph", "Peter", "Anthony", "Nicholas", "Patrick", "Sean", "Liam",
    "Amelia", "Olivia", "Isla", "Emily", "Sophie", "Jessica", "Charlotte", "Elizabeth",
    "Margaret", "Catherine", "Katherine", "Rebecca", "Victoria", "Susan", "Patricia", "Deborah",
    "Jennifer", "Rachel", "Hannah", "Abigail", "Alexandra", "Siobhan", "Niamh", "Eileen",
    "Christine", "Josephine", "Frances", "Dorothy", "Barbara", "Theresa", "Jacqueline",
    # South Asian
    "Mohammed", "Muhammad", "Aisha", "Fatima", "Priya", "Rahul", "Arjun", "Anjali", "Sanjay",
    "Imran", "Nusrat", "Farhana", "Shahid", "Tahmina", "Rukhsana", "Harpreet", "Gurpreet",
    # African and Caribbean
    "Kwame", "Kofi", "Ama", "Chidi", "Ngozi", "Nkechi", "Oluwaseun", "Adebayo", "Folasade",
    "Abdi", "Hodan", "Amina", "Yusuf", "Chiamaka", "Tendai", "Delroy", "Marcia",
    # European
    "Tomasz", "Dariusz", "Agnieszka", "Katarzyna", "Małgorzata", "Zoë", "José", "João",
    "Francesca", "Giuseppe", "Ioana", "Andrei", "Mehmet", "Ayşe", "Elif", "Dimitrios",
    # East and South-East Asian
    "Mei", "Wei", "Jun", "Xiaoling", "Minh", "Thanh", "Huong", "Hiroshi", "Yuki",
)

SURNAMES = (
    # British and Irish
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
    "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards",
    "Hughes", "Green", "Hall", "Lewis", "Harris", "Clarke", "Patterson", "Jackson", "Wood",
    "Turner", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark", "Lee", "King",
    "Baker", "Harrison", "Morgan", "Allen", "James", "Scott", "Phillips", "Watson", "Davis",
    "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly", "Cook", "Carter",
    "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy", "O'Brien", "O'Connor",
    "McCarthy", "MacDonald", "Fitzgerald", "Gallagher", "Doyle", "Kennedy", "Lloyd-Jones",
    "Ashworth", "Featherstone", "Whitehead", "Pemberton", "Rees-Mogg", "Blackwood",
    # South Asian
    "Khan", "Patel", "Ahmed", "Ali", "Hussain", "Begum", "Rahman", "Islam", "Chowdhury",
    "Miah", "Uddin", "Shah", "Sharma", "Singh", "Kaur", "Gupta", "Mistry", "Choudhury",
    # African and Caribbean
    "Okonkwo", "Adeyemi", "Mensah", "Owusu", "Boateng", "Okafor", "Adebayo", "Oyelaran",
    "Nwosu", "Mohamud", "Abdullahi", "Farah", "Warsame", "Campbell", "Francis", "Grant",
    # European
    "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "García", "Fernández", "Silva",
    "Pereira", "Rossi", "Russo", "Esposito", "Popescu", "Ionescu", "Yılmaz", "Öztürk",  # noqa: RUF001
    "Papadopoulos", "Schmidt", "Müller", "Dubois",
    # East and South-East Asian
    "Nguyen", "Tran", "Pham", "Wang", "Zhang", "Chen", "Liu", "Huang", "Tanaka", "Sato",
)

# Spellings that sound alike: staff write what they hear.
PHONETIC_VARIANTS = {
    "Mohammed": ("Muhammad", "Mohamed", "Mohammad"),
    "Muhammad": ("Mohammed", "Muhammed"),
    "Stephen": ("Steven",),
    "Sean": ("Shaun", "Shawn"),
    "Aisha": ("Ayesha", "Aysha"),
    "Catherine": ("Kathryn", "Katharine"),
    "Katherine": ("Catherine", "Kathryn"),
    "Jonathan": ("Johnathan", "Jonathon"),
    "Rebecca": ("Rebekah",),
    "Siobhan": ("Shivaun", "Shevaun"),
    "Niamh": ("Neeve", "Neve"),
    "Theresa": ("Teresa",),
    "Jacqueline": ("Jaqueline", "Jackie-Lyn"),
    "Zoë": ("Zoe", "Zoey"),
    "Phillips": ("Philips", "Fillips"),
    "Clarke": ("Clark",),
    "Thompson": ("Thomson", "Tomson"),
    "Davies": ("Davis", "Daveys"),
    "Griffiths": ("Griffith",),
    "MacDonald": ("McDonald",),
    "Chowdhury": ("Choudhury", "Chaudhry"),
    "Choudhury": ("Chowdhury",),
    "Hussain": ("Hussein", "Husain"),
    "Rahman": ("Rehman",),
    "Mohamud": ("Mohamoud", "Mahmoud"),
    "Okonkwo": ("Okonquo",),
    "Nguyen": ("Nguyễn", "Nguen"),
    "Kowalski": ("Kovalski",),
    "Wiśniewski": ("Wisniewski", "Visnievski"),
    "Smith": ("Smyth",),
    "Kelly": ("Kelley",),
    "Gallagher": ("Gallacher",),
    "Fitzgerald": ("Fitzgerold",),
}

STREETS = (
    "Mare Street", "Dalston Lane", "Kingsland Road", "Well Street", "Chatsworth Road",
    "Amhurst Road", "Graham Road", "Morning Lane", "Homerton High Street", "Lower Clapton Road",
    "Stoke Newington Church Street", "Albion Road", "Cazenove Road", "Brooke Road",
    "Balls Pond Road", "Queensbridge Road", "Hoxton Street", "Pitfield Street", "Shepherdess Walk",
    "Victoria Park Road", "Wick Road", "Kenworthy Road", "Glyn Road", "Rushmore Road",
)
BLOCKS = ("Flat {n}, Nightingale House", "Flat {n}, Pembury Estate", "Flat {n}, Kingsmead Court")
DISTRICTS = ("E5", "E8", "E9", "N1", "N16", "E2")
