"""Build `data/seed_complaints.csv`: the project's own labelled complaints.

Every sentence below was written for this project (none comes from ../shared/datasets). A complaint
is one hand-written core (the substance, labelled with category and agency) placed in a realistic
frame: a formal letter, a one-line SMS, a social-media post, with greetings and thanks around it,
sometimes a second issue, informal spelling, typos and missing punctuation. The generator is
deterministic (fixed seed) so the committed CSV can be rebuilt and checked:

    python -m training.seed_corpus data/seed_complaints.csv
"""

from __future__ import annotations

import csv
import random
import sys

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

# --- what: (category, agency, core text) ------------------------------------------------------------
# Slots: {loc} a place, {dur} how long, {kel} a kelurahan.
CORES: list[tuple[str, str, str]] = [
    # Jalan & Jembatan
    ("JALAN", "PUPR", "jalan di {loc} rusak parah dan berlubang besar, {dur} belum diperbaiki, sudah ada pengendara motor yang jatuh"),
    ("JALAN", "PUPR", "aspal di {loc} mengelupas dan banyak lubang, kalau malam tidak kelihatan sangat membahayakan"),
    ("JALAN", "PUPR", "jembatan penghubung di {loc} retak dan pagar pengamannya patah, takut ambruk kalau dilewati truk"),
    ("JALAN", "PUPR", "galian pipa di {loc} ditinggal begitu saja tanpa ditutup kembali, jalan jadi bergelombang"),
    ("JALAN", "PUPR", "trotoar di {loc} ambles dan keramiknya lepas, pejalan kaki terpaksa turun ke badan jalan"),
    ("JALAN", "PUPR", "mohon pengaspalan ulang jalan di {loc}, {dur} kondisinya hancur dan becek kalau hujan"),
    ("JALAN", "PUPR", "ada lubang dalam di tengah jalan {loc}, kemarin mobil patah as roda karena lubang itu"),
    ("JALAN", "PUPR", "proyek perbaikan jalan di {loc} mangkrak, material berserakan di pinggir jalan {dur}"),
    ("JALAN", "PUPR", "jalan penghubung antar desa di {loc} longsor sebagian, tinggal separuh badan jalan yang bisa dilewati"),
    ("JALAN", "PUPR", "tambalan jalan di {loc} cuma ditimbun sirtu, begitu hujan lubangnya muncul lagi"),
    ("JALAN", "PUPR", "jembatan kayu di {loc} papannya sudah lapuk dan bolong, anak sekolah tiap hari lewat situ"),
    ("JALAN", "PUPR", "marka jalan di {loc} sudah hilang dan jalannya bergelombang, rawan kecelakaan di malam hari"),
    # Drainase & Banjir
    ("DRAINASE", "PUPR", "saluran air di {loc} tersumbat lumpur dan sampah, setiap hujan air meluap ke jalan dan rumah warga"),
    ("DRAINASE", "PUPR", "gorong-gorong di {loc} ambrol sehingga air tidak bisa mengalir, genangan setinggi lutut"),
    ("DRAINASE", "PUPR", "mohon pengerukan sungai kecil di {loc}, sedimennya tinggi sekali, {dur} banjir terus kalau hujan deras"),
    ("DRAINASE", "PUPR", "penutup saluran (box culvert) di {loc} pecah dan berlubang, sudah ada anak kecil yang terperosok"),
    ("DRAINASE", "PUPR", "kalau hujan satu jam saja {loc} langsung tergenang, saluran terlalu kecil dan tidak tersambung ke sungai"),
    ("DRAINASE", "PUPR", "air got di {loc} tidak mengalir dan berbau, jentik nyamuk banyak, mohon salurannya dinormalisasi"),
    ("DRAINASE", "PUPR", "pembangunan saluran di {loc} membuat saluran lama tertutup, sekarang air dari rumah tangga tidak bisa dibuang"),
    ("DRAINASE", "PUPR", "pintu air di {loc} rusak tidak bisa ditutup, air sungai masuk ke permukiman saat pasang"),
    ("DRAINASE", "PUPR", "banjir di {loc} makin parah sejak ada perumahan baru yang menutup saluran, mohon dicek"),
    ("DRAINASE", "PUPR", "tanggul sungai di {loc} retak dan rembes, warga khawatir jebol saat musim hujan"),
    # Kebersihan & Sampah
    ("SAMPAH", "DLH", "sampah di TPS {loc} menumpuk {dur} tidak diangkut, baunya menyengat sampai ke rumah warga"),
    ("SAMPAH", "DLH", "truk sampah tidak datang ke {loc} {dur}, warga terpaksa membakar sampah sendiri"),
    ("SAMPAH", "DLH", "banyak orang membuang sampah sembarangan di lahan kosong {loc}, sekarang jadi tempat pembuangan liar"),
    ("SAMPAH", "DLH", "mohon disediakan tempat sampah dan jadwal pengangkutan yang jelas untuk warga {loc}"),
    ("SAMPAH", "DLH", "sampah hasil kerja bakti di {loc} sudah dikumpulkan dalam karung tapi belum diambil petugas"),
    ("SAMPAH", "DLH", "sungai di {loc} penuh sampah plastik dan kasur bekas, mohon dibersihkan"),
    ("SAMPAH", "DLH", "petugas kebersihan meminta iuran tambahan untuk angkut sampah di {loc}, padahal sudah bayar retribusi"),
    ("SAMPAH", "DLH", "kontainer sampah di {loc} sudah penuh dan meluber ke jalan, lalat dan tikus di mana-mana"),
    ("SAMPAH", "DLH", "sampah pasar di {loc} dibiarkan di pinggir jalan setiap sore, air lindinya mengalir ke got"),
    ("SAMPAH", "DLH", "jalan di {loc} kotor penuh daun dan sampah, penyapu jalan sudah lama tidak terlihat"),
    # Lingkungan Hidup
    ("LINGKUNGAN", "DLH", "pabrik di {loc} membuang limbah cair ke sungai, airnya hitam dan ikan-ikan mati"),
    ("LINGKUNGAN", "DLH", "asap pembakaran dari usaha di {loc} masuk ke rumah warga, anak-anak batuk dan sesak napas"),
    ("LINGKUNGAN", "DLH", "peternakan ayam di {loc} sangat bau dan banyak lalat, mohon diperiksa izin lingkungannya"),
    ("LINGKUNGAN", "DLH", "pohon besar di {loc} dahannya menjulur ke kabel dan atap rumah, mohon dilakukan perantingan"),
    ("LINGKUNGAN", "DLH", "taman kota di {loc} tidak terawat, rumput tinggi dan lampu taman mati"),
    ("LINGKUNGAN", "DLH", "suara mesin pabrik di {loc} bising sampai malam hari, warga tidak bisa istirahat"),
    ("LINGKUNGAN", "DLH", "ada usaha cuci mobil di {loc} yang membuang air sabun langsung ke jalan dan got"),
    ("LINGKUNGAN", "DLH", "penebangan pohon peneduh di {loc} tanpa pemberitahuan, mohon dicek apakah ada izinnya"),
    ("LINGKUNGAN", "DLH", "debu dari proyek galian tanah di {loc} sangat tebal, jalan dan rumah warga kotor setiap hari"),
    ("LINGKUNGAN", "DLH", "bau busuk dari tempat pengolahan limbah di {loc} tercium sampai radius satu kilometer"),
    # Penerangan Jalan Umum
    ("PJU", "DISHUB", "lampu penerangan jalan umum di {loc} mati {dur}, jalan gelap gulita dan rawan begal"),
    ("PJU", "DISHUB", "mohon pemasangan lampu PJU di {loc}, jalannya panjang dan gelap sekali kalau malam"),
    ("PJU", "DISHUB", "tiang lampu jalan di {loc} miring hampir roboh setelah ditabrak mobil"),
    ("PJU", "DISHUB", "lampu jalan di {loc} menyala siang hari dan mati malam hari, sepertinya sensornya rusak"),
    ("PJU", "DISHUB", "beberapa lampu PJU sepanjang {loc} berkedip-kedip lalu padam, mohon diganti"),
    ("PJU", "DISHUB", "kabel lampu jalan di {loc} terkelupas dan menjuntai, berbahaya kalau hujan"),
    ("PJU", "DISHUB", "sudah lapor lampu jalan mati di {loc} lewat call center tapi {dur} belum ada perbaikan"),
    # Air Bersih
    ("AIR", "PDAM", "air PDAM di {loc} mati {dur}, warga harus beli air galon untuk mandi dan masak"),
    ("AIR", "PDAM", "air PDAM yang keluar di {loc} keruh kecokelatan dan berbau, tidak bisa dipakai"),
    ("AIR", "PDAM", "pipa PDAM bocor di {loc}, air muncrat ke jalan {dur} dan terbuang percuma"),
    ("AIR", "PDAM", "tagihan air PDAM saya bulan ini naik tiga kali lipat padahal pemakaian biasa saja, mohon meteran dicek"),
    ("AIR", "PDAM", "aliran air PDAM di {loc} sangat kecil, hanya keluar tengah malam"),
    ("AIR", "PDAM", "sudah daftar sambungan baru PDAM {dur} tapi belum juga dipasang, petugasnya sulit dihubungi"),
    ("AIR", "PDAM", "meteran air di rumah saya di {loc} rusak dan angkanya tidak berputar, tapi tagihan tetap datang"),
    ("AIR", "PDAM", "setelah perbaikan pipa di {loc} air PDAM bercampur pasir dan kran jadi tersumbat"),
    # Listrik
    ("LISTRIK", "PLN", "listrik di {loc} sering padam mendadak, {dur} hampir setiap malam mati lampu"),
    ("LISTRIK", "PLN", "kabel listrik PLN di {loc} menjuntai rendah sekali, hampir kena kepala pengendara"),
    ("LISTRIK", "PLN", "tiang listrik di {loc} miring dan kabelnya tersangkut pohon, kalau hujan keluar percikan api"),
    ("LISTRIK", "PLN", "token listrik sudah dibeli tapi tidak bisa dimasukkan ke meteran, kode ditolak terus"),
    ("LISTRIK", "PLN", "tegangan listrik di {loc} naik turun, beberapa alat elektronik warga rusak"),
    ("LISTRIK", "PLN", "gardu listrik di {loc} berbunyi keras dan berasap, warga takut terjadi ledakan"),
    ("LISTRIK", "PLN", "permohonan tambah daya listrik sudah dibayar {dur} tapi petugas belum datang memasang"),
    # Perhubungan & Parkir
    ("TRANSPORTASI", "DISHUB", "juru parkir liar di {loc} menarik tarif lima ribu rupiah untuk motor dan tidak memberi karcis"),
    ("TRANSPORTASI", "DISHUB", "lampu lalu lintas di {loc} mati {dur}, perempatan jadi macet dan semrawut"),
    ("TRANSPORTASI", "DISHUB", "banyak mobil parkir di bahu jalan {loc} sehingga jalan menyempit dan macet setiap pagi"),
    ("TRANSPORTASI", "DISHUB", "rambu dilarang parkir di {loc} roboh dan tidak pernah dipasang lagi"),
    ("TRANSPORTASI", "DISHUB", "angkutan kota jurusan terminal sering ngetem lama di {loc} dan menurunkan penumpang sembarangan"),
    ("TRANSPORTASI", "DISHUB", "mohon dipasang polisi tidur atau rambu hati-hati di {loc}, kendaraan sering ngebut dekat sekolah"),
    ("TRANSPORTASI", "DISHUB", "halte bus di {loc} atapnya bocor dan kursinya rusak, penumpang kehujanan"),
    ("TRANSPORTASI", "DISHUB", "truk besar lewat jalan kampung di {loc} di jam sibuk padahal ada larangan, jalan jadi rusak dan macet"),
    ("TRANSPORTASI", "DISHUB", "waktu lampu hijau di {loc} terlalu singkat, antrean kendaraan sampai ratusan meter"),
    ("TRANSPORTASI", "DISHUB", "tukang parkir di minimarket {loc} memaksa bayar parkir padahal di pintu tertulis parkir gratis"),
    # Administrasi Kependudukan
    ("ADMINDUK", "DISDUKCAPIL", "saya sudah rekam KTP elektronik {dur} tapi sampai sekarang belum jadi, katanya blangko habis"),
    ("ADMINDUK", "DISDUKCAPIL", "mengurus akta kelahiran anak saya sudah lengkap berkasnya tapi dipingpong antar loket"),
    ("ADMINDUK", "DISDUKCAPIL", "data di kartu keluarga saya salah, nama ibu tertulis keliru, mohon dibantu perbaikannya"),
    ("ADMINDUK", "DISDUKCAPIL", "pengajuan pindah domisili secara online tidak diproses {dur}, statusnya masih verifikasi"),
    ("ADMINDUK", "DISDUKCAPIL", "aplikasi pendaftaran adminduk online error terus, tidak bisa upload dokumen"),
    ("ADMINDUK", "DISDUKCAPIL", "antrean di kantor dukcapil sangat panjang, datang jam enam pagi tetap tidak kebagian nomor"),
    ("ADMINDUK", "DISDUKCAPIL", "NIK saya tercatat ganda sehingga tidak bisa daftar BPJS dan bank, mohon dibantu"),
    ("ADMINDUK", "DISDUKCAPIL", "akta kematian ayah saya belum terbit padahal sudah diurus lewat kelurahan sejak {dur}"),
    ("ADMINDUK", "DISDUKCAPIL", "KIA anak saya belum dicetak, padahal dibutuhkan untuk daftar sekolah"),
    ("ADMINDUK", "DISDUKCAPIL", "KTP saya hilang, mohon informasi syarat cetak ulang karena petugas memberi jawaban berbeda-beda"),
    # Bantuan Sosial
    ("BANSOS", "DINSOS", "keluarga kami termasuk warga miskin tapi tidak pernah menerima bantuan PKH maupun BPNT"),
    ("BANSOS", "DINSOS", "bantuan sosial di {loc} tidak tepat sasaran, yang punya mobil dapat sementara janda tua tidak dapat"),
    ("BANSOS", "DINSOS", "nama saya dicoret dari DTKS tanpa alasan padahal kondisi ekonomi masih sama"),
    ("BANSOS", "DINSOS", "saldo kartu KKS saya kosong {dur}, bantuan pangan tidak masuk"),
    ("BANSOS", "DINSOS", "mohon dibantu pendaftaran bantuan untuk ibu saya yang lumpuh dan tinggal sendiri di {loc}"),
    ("BANSOS", "DINSOS", "ada orang dengan gangguan jiwa berkeliaran di {loc} dan mengganggu warga, mohon ditangani dinas sosial"),
    ("BANSOS", "DINSOS", "BLT yang dijanjikan untuk warga terdampak belum cair {dur}, tidak ada kejelasan"),
    ("BANSOS", "DINSOS", "bagaimana cara mengajukan diri sebagai penerima bantuan iuran jaminan kesehatan? saya tidak mampu bayar iuran"),
    ("BANSOS", "DINSOS", "banyak anak jalanan dan pengemis di perempatan {loc}, mohon penanganan dari dinas sosial"),
    ("BANSOS", "DINSOS", "pendamping PKH di {loc} memotong uang bantuan penerima dengan alasan biaya administrasi"),
    # Kesehatan
    ("KESEHATAN", "DINKES", "pelayanan di puskesmas {loc} sangat lambat, antre dari pagi baru dipanggil siang"),
    ("KESEHATAN", "DINKES", "di {loc} ada beberapa warga kena demam berdarah, mohon segera dilakukan fogging"),
    ("KESEHATAN", "DINKES", "petugas puskesmas bersikap kasar kepada pasien lansia dan tidak mau menjelaskan obat"),
    ("KESEHATAN", "DINKES", "posyandu di {loc} tidak aktif lagi {dur}, balita tidak ditimbang dan tidak dapat vitamin"),
    ("KESEHATAN", "DINKES", "stok obat di puskesmas {loc} sering kosong, pasien disuruh beli sendiri di apotek"),
    ("KESEHATAN", "DINKES", "jadwal imunisasi anak di puskesmas {loc} dibatalkan tanpa pemberitahuan"),
    ("KESEHATAN", "DINKES", "warung makan di {loc} menjual makanan basi, beberapa warga keracunan setelah makan di sana"),
    ("KESEHATAN", "RSUD", "keluarga saya ditolak di IGD rumah sakit daerah dengan alasan kamar penuh padahal kondisinya gawat"),
    ("KESEHATAN", "RSUD", "antrean poli di RSUD sangat panjang dan sistem pendaftaran onlinenya tidak jalan"),
    ("KESEHATAN", "RSUD", "pasien BPJS di RSUD disuruh membeli obat sendiri di luar, katanya obat tidak ditanggung"),
    ("KESEHATAN", "RSUD", "toilet di ruang rawat inap kelas tiga RSUD kotor dan airnya mati"),
    ("KESEHATAN", "RSUD", "dokter jaga di RSUD tidak ada di tempat saat malam, pasien menunggu berjam-jam"),
    ("KESEHATAN", "BPJSKES", "kartu BPJS saya tiba-tiba tidak aktif padahal iuran selalu dibayar tepat waktu"),
    ("KESEHATAN", "BPJSKES", "saya mau pindah faskes pertama BPJS tapi aplikasi selalu gagal, kantor BPJS juga antre panjang"),
    ("KESEHATAN", "BPJSKES", "tagihan denda BPJS saya tidak masuk akal, mohon penjelasan perhitungannya"),
    # Pendidikan
    ("PENDIDIKAN", "DISDIK", "sekolah negeri di {loc} meminta uang gedung dan seragam dengan harga mahal, katanya wajib"),
    ("PENDIDIKAN", "DISDIK", "anak saya tidak diterima PPDB zonasi padahal rumah kami dekat sekali dengan sekolah"),
    ("PENDIDIKAN", "DISDIK", "situs PPDB tidak bisa diakses sejak pagi, pendaftaran hampir ditutup"),
    ("PENDIDIKAN", "DISDIK", "atap ruang kelas SD di {loc} bocor dan plafonnya hampir jatuh, murid belajar di teras"),
    ("PENDIDIKAN", "DISDIK", "ada guru di {loc} yang sering tidak masuk mengajar, murid dibiarkan tanpa pelajaran"),
    ("PENDIDIKAN", "DISDIK", "ijazah anak saya ditahan sekolah karena masih ada tunggakan, padahal sekolah negeri"),
    ("PENDIDIKAN", "DISDIK", "beasiswa siswa miskin untuk anak saya belum cair {dur}, sekolah tidak memberi penjelasan"),
    ("PENDIDIKAN", "DISDIK", "terjadi perundungan terhadap anak saya di sekolah dan pihak sekolah terkesan menutupi"),
    ("PENDIDIKAN", "DISDIK", "sekolah menjual buku LKS wajib kepada siswa, orang tua keberatan dengan biayanya"),
    ("PENDIDIKAN", "DISDIK", "honor guru honorer di sekolah {loc} belum dibayar {dur}"),
    # Ketenteraman & Ketertiban
    ("TRANTIB", "SATPOLPP", "pedagang kaki lima berjualan di trotoar {loc} sampai menutup jalan, pejalan kaki tidak bisa lewat"),
    ("TRANTIB", "SATPOLPP", "ada bangunan liar di atas saluran di {loc}, mohon ditertibkan"),
    ("TRANTIB", "SATPOLPP", "tempat karaoke di {loc} buka sampai subuh dan berisik, diduga menjual minuman keras"),
    ("TRANTIB", "SATPOLPP", "reklame dan spanduk liar dipasang di pohon dan tiang listrik sepanjang {loc}"),
    ("TRANTIB", "SATPOLPP", "kios-kios di {loc} memakai badan jalan untuk berjualan setiap malam"),
    ("TRANTIB", "SATPOLPP", "rumah kos di {loc} dipakai untuk kegiatan yang meresahkan warga, tamu keluar masuk tengah malam"),
    ("TRANTIB", "SATPOLPP", "gelandangan menempati bangunan kosong di {loc} dan menimbulkan keributan"),
    ("TRANTIB", "POLRES", "sering terjadi balap liar di {loc} setiap malam minggu, warga resah dan sudah ada korban"),
    ("TRANTIB", "POLRES", "motor saya dicuri di parkiran {loc}, laporan ke polsek belum ada perkembangan"),
    ("TRANTIB", "POLRES", "ada kelompok pemuda mabuk dan berkelahi di {loc} hampir setiap malam"),
    ("TRANTIB", "POLRES", "saya ditipu oleh orang yang mengaku petugas dinas dan meminta transfer uang untuk mengurus bantuan"),
    ("TRANTIB", "POLRES", "diduga ada peredaran narkoba di rumah kontrakan di {loc}, banyak orang asing datang malam hari"),
    # Ketenagakerjaan
    ("NAKER", "DISNAKER", "perusahaan tempat saya bekerja belum membayar THR padahal lebaran tinggal seminggu"),
    ("NAKER", "DISNAKER", "saya di-PHK sepihak tanpa pesangon setelah bekerja lima tahun"),
    ("NAKER", "DISNAKER", "gaji karyawan di pabrik {loc} dibayar di bawah upah minimum dan tidak ada lembur"),
    ("NAKER", "DISNAKER", "pelatihan kerja gratis dari pemerintah daerah kapan dibuka lagi? saya ingin ikut"),
    ("NAKER", "DISNAKER", "kartu pencari kerja (kartu kuning) tidak bisa diurus online, sistemnya selalu gagal"),
    ("NAKER", "DISNAKER", "perusahaan tidak mendaftarkan karyawannya ke BPJS Ketenagakerjaan padahal gaji dipotong"),
    ("NAKER", "DISNAKER", "kontrak kerja saya diperpanjang terus tanpa diangkat tetap sudah empat tahun"),
    ("NAKER", "DISNAKER", "adik saya bekerja sebagai pekerja migran dan tidak bisa dihubungi, agen penyalurnya menghilang"),
    # Perizinan
    ("PERIZINAN", "DPMPTSP", "pengurusan PBG rumah saya sudah tiga bulan belum selesai, berkas sudah lengkap"),
    ("PERIZINAN", "DPMPTSP", "sistem perizinan online tidak bisa menerbitkan NIB untuk usaha kecil saya"),
    ("PERIZINAN", "DPMPTSP", "ada bangunan ruko baru di {loc} yang diduga tidak punya izin bangunan dan melanggar garis sempadan"),
    ("PERIZINAN", "DPMPTSP", "mohon informasi syarat izin usaha katering rumahan, di kantor pelayanan dilempar ke sana kemari"),
    ("PERIZINAN", "DPMPTSP", "menara telekomunikasi dibangun di {loc} tanpa sosialisasi ke warga, apakah sudah berizin?"),
    ("PERIZINAN", "DPMPTSP", "petugas pelayanan perizinan meminta biaya percepatan di luar ketentuan"),
    # Pajak & Retribusi
    ("PAJAK", "BAPENDA", "tagihan PBB rumah saya naik sangat tinggi tahun ini tanpa penjelasan"),
    ("PAJAK", "BAPENDA", "nama di SPPT PBB masih nama pemilik lama, mohon cara balik nama"),
    ("PAJAK", "BAPENDA", "pembayaran PBB lewat aplikasi sudah terpotong saldo tapi status masih belum lunas"),
    ("PAJAK", "BAPENDA", "pengurusan BPHTB untuk jual beli rumah lama sekali, validasi tidak keluar-keluar"),
    ("PAJAK", "BAPENDA", "restoran di {loc} menarik pajak 10 persen dari pembeli tapi tidak memakai alat rekam pajak"),
    ("PAJAK", "BAPENDA", "ada denda PBB tahun lalu padahal saya punya bukti bayar"),
    # Kebencanaan & Kebakaran
    ("BENCANA", "BPBD", "tanah longsor menutup jalan di {loc} dan beberapa rumah terancam, mohon bantuan segera"),
    ("BENCANA", "BPBD", "angin kencang semalam merobohkan pohon besar dan merusak atap rumah warga di {loc}"),
    ("BENCANA", "BPBD", "banjir setinggi dada merendam {loc}, warga lansia belum dievakuasi dan butuh perahu karet"),
    ("BENCANA", "BPBD", "tebing di belakang rumah warga {loc} retak-retak setelah hujan deras, takut longsor"),
    ("BENCANA", "BPBD", "pengungsi banjir di balai desa {loc} kekurangan air bersih, selimut dan makanan bayi"),
    ("BENCANA", "DAMKAR", "terjadi kebakaran di {loc}, api membesar dan mobil pemadam belum datang"),
    ("BENCANA", "DAMKAR", "hidran di {loc} tidak berfungsi waktu kebakaran kemarin, mohon diperiksa semua hidran"),
    ("BENCANA", "DAMKAR", "ada sarang tawon besar di pohon depan rumah di {loc}, sudah ada anak yang tersengat"),
    ("BENCANA", "DAMKAR", "ular besar masuk ke rumah warga di {loc}, mohon bantuan evakuasi petugas"),
    ("BENCANA", "DAMKAR", "mobil pemadam datang terlambat hampir satu jam ke kebakaran di {loc}"),
    # Perumahan & Permukiman
    ("PERUMAHAN", "DISPERKIM", "rumah nenek saya di {loc} hampir roboh, mohon dimasukkan program bedah rumah tidak layak huni"),
    ("PERUMAHAN", "DISPERKIM", "unit rusunawa {loc} bocor dan lift mati {dur}, pengelola tidak menanggapi"),
    ("PERUMAHAN", "DISPERKIM", "jalan paving di gang kampung {loc} rusak dan ambles, mohon pavingisasi ulang"),
    ("PERUMAHAN", "DISPERKIM", "fasilitas umum perumahan di {loc} belum diserahkan pengembang, jalan dan saluran tidak terurus"),
    ("PERUMAHAN", "DISPERKIM", "makam umum di {loc} penuh dan tidak terawat, warga kesulitan mencari lahan pemakaman"),
    ("PERUMAHAN", "DISPERKIM", "antrean pendaftaran rusunawa sudah dua tahun tanpa kepastian"),
    ("PERUMAHAN", "DISPERKIM", "penerangan dan jalan lingkungan di kampung {loc} belum pernah tersentuh program perbaikan kampung"),
    # Pelayanan Aparatur
    ("APARATUR", "INSPEKTORAT", "oknum pegawai kelurahan meminta uang untuk mempercepat surat pengantar, ini pungli"),
    ("APARATUR", "INSPEKTORAT", "ada pungutan liar saat pengurusan sertifikat di kantor desa {loc}, diminta satu juta rupiah"),
    ("APARATUR", "INSPEKTORAT", "dana kegiatan kelurahan {loc} diduga diselewengkan, laporan keuangannya tidak pernah dibuka"),
    ("APARATUR", "INSPEKTORAT", "kepala sekolah meminta potongan dari dana bantuan siswa, mohon diperiksa"),
    ("APARATUR", "BKPSDM", "pegawai di kantor kecamatan sering tidak di tempat pada jam kerja dan main ponsel saat melayani"),
    ("APARATUR", "BKPSDM", "seorang ASN di dinas terlihat berkampanye untuk calon tertentu, bukankah ASN harus netral?"),
    ("APARATUR", "BKPSDM", "hasil seleksi PPPK tidak diumumkan transparan, nilai peserta tidak bisa dilihat"),
    ("APARATUR", "BKPSDM", "petugas pelayanan di kantor dinas membentak warga dan menolak melayani sebelum jam tutup"),
    ("APARATUR", "KECAMATAN", "surat keterangan domisili di kelurahan {kel} tidak selesai {dur}, lurahnya selalu tidak ada"),
    ("APARATUR", "KECAMATAN", "ketua RT di {loc} tidak mau memberi surat pengantar karena saya belum bayar iuran kampung"),
    ("APARATUR", "KECAMATAN", "pelayanan di kantor kecamatan tutup lebih awal dari jadwal, warga yang antre disuruh pulang"),
    ("APARATUR", "KECAMATAN", "pemilihan ketua RW di kelurahan {kel} tidak transparan dan tidak melibatkan warga"),
    ("APARATUR", "KECAMATAN", "balai warga di kelurahan {kel} dikunci pengurus dan tidak bisa dipakai warga untuk kegiatan"),
    # Informasi & Klarifikasi (genuine questions and information-system complaints; no hoax)
    ("INFORMASI", "DISKOMINFO", "situs resmi pemerintah kota tidak bisa dibuka {dur}, informasi layanan jadi sulit didapat"),
    ("INFORMASI", "DISKOMINFO", "aplikasi layanan warga sering keluar sendiri dan laporan saya tidak tersimpan"),
    ("INFORMASI", "DISKOMINFO", "wifi gratis di taman {loc} tidak bisa dipakai {dur}"),
    ("INFORMASI", "DISKOMINFO", "mohon informasi jadwal dan lokasi pelayanan keliling, di media sosial pemda tidak ada pengumuman"),
    ("INFORMASI", "DISKOMINFO", "nomor pengaduan yang tertera di situs pemerintah tidak pernah diangkat"),
]

# Circulating-hoax repetitions and questions (misinformation = 1). Written for the project.
HOAXES: list[tuple[str, str, str]] = [
    ("BANSOS", "DINSOS", "ada pesan berantai bansos 5 juta untuk semua warga, cukup daftar lewat link {link} dan isi NIK, segera sebelum kuota habis"),
    ("BANSOS", "DINSOS", "SEBARKAN!!! pemerintah bagi bantuan tunai 3,5 juta per KK, klik {link} daftar sebelum dihapus"),
    ("BANSOS", "DINSOS", "katanya ada subsidi kuota dan uang tunai dari kementerian, cukup transfer biaya admin 150 ribu ke rekening panitia"),
    ("BANSOS", "DINSOS", "di grup WA beredar formulir pendaftaran bantuan UMKM 2,4 juta lewat {link}, apakah ini benar resmi?"),
    ("BANSOS", "DINSOS", "info dari grup keluarga: semua pemegang KTP lahir tahun tertentu dapat santunan 10 juta, daftar lewat {link}"),
    ("BANSOS", "DINSOS", "beredar pesan katanya bantuan PKH dialihkan ke kartu baru, harus aktivasi di {link} paling lambat besok"),
    ("BANSOS", "DINSOS", "viralkan! warga yang punya KK bisa klaim bantuan sembako gratis dengan isi data di {link}"),
    ("NAKER", "DISNAKER", "beredar lowongan kerja di BUMN tanpa tes, pelamar diminta transfer biaya seragam ke rekening pribadi"),
    ("NAKER", "DISNAKER", "ada surat penerimaan kerja di pabrik luar negeri atas nama dinas, harus bayar biaya medical check up dulu"),
    ("APARATUR", "BKPSDM", "beredar surat keputusan pengangkatan honorer jadi PNS tanpa tes, harus bayar 25 juta ke oknum, benarkah?"),
    ("APARATUR", "BKPSDM", "ada pengumuman rekrutmen CPNS jalur khusus lewat {link} dengan biaya pendaftaran, apakah resmi?"),
    ("APARATUR", "BKPSDM", "beredar surat berkop pemerintah kota tentang penerimaan pegawai kontrak dengan nomor WA pribadi, sepertinya palsu"),
    ("KESEHATAN", "DINKES", "pesan berantai bilang minum air rebusan daun tertentu tiga kali sehari bisa menyembuhkan demam berdarah tanpa ke dokter"),
    ("KESEHATAN", "DINKES", "beredar info vaksin untuk anak di posyandu mengandung chip pelacak, banyak ibu jadi tidak mau datang"),
    ("KESEHATAN", "DINKES", "katanya air kelapa dicampur garam bisa mencegah semua jenis virus, sebarkan ke keluarga kalian"),
    ("KESEHATAN", "DINKES", "info dari grup: makan bawang putih mentah tiap pagi pasti kebal dari flu dan tidak perlu imunisasi"),
    ("KESEHATAN", "DINKES", "viral video katanya fogging berbahaya dan bikin mandul, warga menolak petugas fogging, apakah benar?"),
    ("KESEHATAN", "BPJSKES", "beredar pesan bahwa BPJS akan dihapus bulan depan dan semua peserta harus daftar ulang lewat {link}"),
    ("LISTRIK", "PLN", "ada pesan berantai subsidi token listrik gratis 3 bulan, cukup klik {link} dan masukkan ID pelanggan"),
    ("AIR", "PDAM", "beredar info air PDAM akan dimatikan total seminggu karena tercemar racun, warga panik borong air galon"),
    ("INFORMASI", "DISKOMINFO", "beredar surat edaran wali kota palsu tentang libur sekolah sebulan, apakah benar ada edaran itu?"),
    ("INFORMASI", "DISKOMINFO", "pesan berantai katanya besok ada pemadaman internet nasional, sebarkan sebelum dihapus"),
    ("INFORMASI", "DISKOMINFO", "akun media sosial yang mengatasnamakan pemda membagikan hadiah undian mobil, pemenang harus transfer pajak hadiah"),
    ("INFORMASI", "DISKOMINFO", "ada video lama banjir bandang yang disebarkan seolah terjadi kemarin di kota kita, warga jadi resah"),
    ("INFORMASI", "DISKOMINFO", "beredar kabar ada penculikan anak pakai mobil ambulans di sekolah-sekolah, viralkan agar orang tua waspada"),
    ("PENDIDIKAN", "DISDIK", "beredar pengumuman beasiswa kuliah gratis dari pemda, pendaftar harus bayar 200 ribu ke rekening panitia"),
    ("PENDIDIKAN", "DISDIK", "ada pesan di grup wali murid bahwa PPDB tahun ini bisa jalur titipan dengan bayar ke orang dalam lewat {link}"),
    ("ADMINDUK", "DISDUKCAPIL", "beredar pesan KTP elektronik lama tidak berlaku mulai bulan depan, wajib ganti lewat {link} berbayar"),
    ("ADMINDUK", "DISDUKCAPIL", "katanya data KK bisa dicek dapat bantuan atau tidak dengan kirim foto KTP ke nomor WA ini, apakah resmi?"),
    ("BENCANA", "BPBD", "pesan berantai memperingatkan gempa besar dan tsunami malam ini jam 12, semua warga disuruh mengungsi"),
    ("PAJAK", "BAPENDA", "ada SMS tagihan denda pajak kendaraan dengan link {link}, katanya kalau tidak bayar STNK diblokir"),
]
# Genuine complaints that sound like the hoaxes (misinformation = 0): hard negatives.
HARD_NEGATIVES: list[tuple[str, str, str]] = [
    ("BANSOS", "DINSOS", "saya sudah terdaftar di DTKS tapi bansos tunai bulan ini belum masuk ke rekening, mohon dicek"),
    ("BANSOS", "DINSOS", "bagaimana prosedur resmi pendaftaran bantuan sosial untuk warga yang baru pindah? di kelurahan belum ada info"),
    ("BANSOS", "DINSOS", "pencairan BLT di kantor pos antre sampai sore dan sebagian warga pulang tanpa menerima uang"),
    ("NAKER", "DISNAKER", "info lowongan kerja dari bursa kerja dinas tidak diperbarui, padahal banyak pencari kerja menunggu"),
    ("APARATUR", "BKPSDM", "pengumuman hasil seleksi PPPK resmi ditunda tanpa penjelasan, peserta bingung kapan diumumkan"),
    ("KESEHATAN", "DINKES", "jadwal fogging di {loc} tidak jelas padahal kasus demam berdarah sudah ada tiga orang"),
    ("KESEHATAN", "DINKES", "vaksin untuk anak di posyandu {loc} habis, kami disuruh datang lagi bulan depan"),
    ("KESEHATAN", "BPJSKES", "setelah pindah kerja kepesertaan BPJS saya belum dialihkan, di aplikasi masih tercatat perusahaan lama"),
    ("LISTRIK", "PLN", "sudah bayar token listrik lewat aplikasi resmi tapi nomor token tidak dikirim"),
    ("AIR", "PDAM", "air PDAM di {loc} bau kaporit sangat tajam sejak kemarin, mohon penjelasan apakah aman diminum"),
    ("INFORMASI", "DISKOMINFO", "mohon pemda membuat klarifikasi resmi soal jadwal libur sekolah, di grup wali murid simpang siur"),
    ("INFORMASI", "DISKOMINFO", "akun resmi pemda di media sosial tidak menjawab pertanyaan warga tentang jadwal pelayanan"),
    ("PENDIDIKAN", "DISDIK", "beasiswa resmi dari pemda untuk anak saya sudah diumumkan diterima tapi dananya belum cair"),
    ("ADMINDUK", "DISDUKCAPIL", "saya ingin memastikan apakah KTP elektronik yang dicetak tahun lalu masih berlaku untuk urusan bank"),
    ("TRANTIB", "POLRES", "saya menerima SMS penipuan mengatasnamakan bank dan sudah kehilangan uang, mohon dibantu proses laporannya"),
    ("BENCANA", "BPBD", "sirene peringatan dini di {loc} berbunyi sendiri tengah malam, warga panik, mohon diperiksa alatnya"),
    ("PAJAK", "BAPENDA", "saya sudah bayar pajak daerah lewat aplikasi resmi tapi bukti bayarnya tidak muncul"),
]

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

    def add(category: str, agency: str, core: str, misinformation: int, second: str | None = None) -> None:
        text = _compose(_fill(core, rng), rng, second)
        rows.setdefault(text, {"text": text, "category": category, "agency": agency,
                               "misinformation": str(misinformation), "district": rng.choice(DISTRICTS + [""])})

    for category, agency, core in CORES:
        for i in range(per_core):
            second = None
            if i == per_core - 1 and rng.random() < 0.5:  # some complaints carry a minor second issue
                other = rng.choice(CORES)
                second = _fill(other[2], rng) if other[0] != category else None
            add(category, agency, core, 0, second)
    for category, agency, core in HOAXES:
        for _ in range(5):
            add(category, agency, core, 1)
    for category, agency, core in HARD_NEGATIVES:
        for _ in range(4):
            add(category, agency, core, 0)
    out = list(rows.values())
    rng.shuffle(out)
    return out


def main(path: str) -> None:
    rows = build()
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, ["text", "category", "agency", "misinformation", "district"])
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} rows, {sum(r['misinformation'] == '1' for r in rows)} misinformation -> {path}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "data/seed_complaints.csv")
