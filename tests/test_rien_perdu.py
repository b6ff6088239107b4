"""Rien de perdu : l'outil n'écrase jamais le fichier vérifié ni un fichier de sortie existant
en cas d'échec, et un classeur à macros passé par ses commandes en sort intact.

Chemins d'écriture couverts : ``verifier --sortie``, ``synthese --sortie``, ``exporter scdl
--sortie`` et ``classeur nouveau --sortie``. Pour chacun :

- écrire par-dessus le fichier vérifié (même chemin, autre écriture du chemin, lien symbolique,
  lien physique) est refusé : statut 2, message en français, fichier intact octet pour octet ;
- un échec au milieu de l'écriture (renommage final qui échoue ; disque plein, simulé par la
  limite de taille de fichier du processus, RLIMIT_FSIZE) laisse l'ancien fichier de sortie
  intact et aucun fichier temporaire, ni à côté de la sortie ni dans le dossier temporaire.

Aller-retour : un classeur .xlsm généré par ``classeur nouveau``, rempli avec openpyxl
(``keep_vba=True``) de quelques dossiers et d'une formule, passé par chaque commande qui le lit,
reste identique octet pour octet (et garde sa date de modification). Aucune fonction de l'outil
ne réécrit un classeur sur le disque : le bouton « Vérifier » écrit dans le classeur ouvert par
Excel (API Book d'xlwings), c'est Excel qui l'enregistre.
"""

from __future__ import annotations

import csv
import errno
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from tableaux import ecrire_xlsx

from cdv_regles.cli import cdv_regles

openpyxl = pytest.importorskip("openpyxl")

DATE = "2023-03-01"
ANCIEN = "contenu d'un fichier de sortie précédent, à garder tel quel\n".encode()

# Trois dossiers posés sur le dossier type : deux validés en comité (pour l'export), une faute.
DOSSIERS: list[dict[str, Any]] = [
    {"statut": "Validé en comité"},
    {"statut": "Validé en comité", "piece_cerfa": "Non"},
    {"date_dossier_definitif": "05/12/2022"},
]


def _args_verifier(entree: str, sortie: str) -> list[str]:
    return ["verifier", entree, "--date", DATE, "--sortie", sortie]


def _args_synthese(entree: str, sortie: str) -> list[str]:
    return ["synthese", entree, "--date", DATE, "--sortie", sortie]


def _args_export(entree: str, sortie: str) -> list[str]:
    # L'État a un SIRET d'attribuant dans les paramètres ; la date de convention n'est pas dans le tableau.
    return ["exporter", "scdl", entree, "--sortie", sortie, "--financeur", "etat",
            "--date-convention", "2023-03-15", "--millesime", "2023"]


#: Commandes qui lisent un tableau et écrivent un fichier : (arguments, nom du fichier de sortie,
#: statuts de réussite). ``verifier`` rend 1 quand il trouve des constats bloquants.
LECTEURS: dict[str, tuple[Callable[[str, str], list[str]], str, set[int]]] = {
    "verifier": (_args_verifier, "rapport.txt", {0, 1}),
    "synthese": (_args_synthese, "synthese.html", {0}),
    "exporter scdl": (_args_export, "subventions.csv", {0}),
}


def _args_classeur(sortie: str, remplacer: bool = True) -> list[str]:
    return ["classeur", "nouveau", "--millesime", "2023", "--sortie", sortie,
            *(["--remplacer"] if remplacer else [])]


#: Les quatre chemins d'écriture : (arguments depuis le nom de sortie, nom de sortie, réussites).
ECRIVAINS: dict[str, tuple[Callable[[str], list[str]], str, set[int]]] = {
    **{nom: ((lambda s, f=f: f("programmation.xlsx", s)), sortie, ok)
       for nom, (f, sortie, ok) in LECTEURS.items()},
    "classeur nouveau": (_args_classeur, "programmation-2023.xlsm", {0}),
}

# --- outils ----------------------------------------------------------------------------------

def _ecrire_tableaux(dossier: Path, catalogue: Any) -> None:
    """programmation.xlsx et programmation.csv : les mêmes dossiers."""
    from cdv_regles.exemples import table_exemple

    table = table_exemple({"lignes": DOSSIERS}, catalogue)
    ecrire_xlsx(table, dossier / "programmation.xlsx")
    with open(dossier / "programmation.csv", "w", encoding="cp1252", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(table.entetes)
        w.writerows([["" if v is None else v for v in ligne] for ligne in table.lignes])


@pytest.fixture
def dossier(tmp_path: Path, environnement_2023: Any, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Dossier de travail courant avec les deux tableaux ; le dossier temporaire du système est isolé."""
    travail = tmp_path / "travail"
    travail.mkdir()
    _ecrire_tableaux(travail, environnement_2023[1])
    systeme = tmp_path / "tmp-systeme"
    systeme.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(systeme))
    monkeypatch.chdir(travail)
    return travail


def etat(dossier: Path) -> dict[str, bytes]:
    """Noms et contenus de tous les fichiers du dossier (fichiers cachés compris)."""
    return {str(p.relative_to(dossier)): p.read_bytes() for p in sorted(dossier.rglob("*")) if p.is_file()}


def invoquer(args: list[str]) -> Result:
    return CliRunner().invoke(cdv_regles, args, prog_name="cdv-regles")


def sans_trace(r: Result) -> None:
    """Une erreur attendue : un message, jamais une exception Python qui remonte."""
    assert r.exception is None or isinstance(r.exception, SystemExit), (
        f"exception Python au lieu d'un message : {r.exception!r}\n{r.output}")
    assert "Traceback" not in r.output


def message_refus(r: Result, sortie: str) -> None:
    """Statut 2 et un message en français qui nomme la sortie et dit quoi faire."""
    sans_trace(r)
    assert r.exit_code == 2, r.output
    assert "Erreur" in r.output and Path(sortie).name in r.output, r.output
    assert re.search(r"choisissez|ajoutez --remplacer", r.output, re.IGNORECASE), r.output


# --- le fichier vérifié n'est jamais la cible d'une écriture --------------------------------

def _designer(dossier: Path, entree: str, facon: str) -> str:
    """Une autre façon de nommer le fichier vérifié comme sortie."""
    if facon == "meme-chemin":
        return entree
    if facon == "autre-ecriture":
        return str(dossier / "." / entree)
    lien = dossier / f"lien-{entree}"
    if facon == "lien-symbolique":
        lien.symlink_to(dossier / entree)
    else:
        os.link(dossier / entree, lien)
    return lien.name


@pytest.mark.parametrize("facon", ["meme-chemin", "autre-ecriture", "lien-symbolique", "lien-physique"])
@pytest.mark.parametrize("format_", ["xlsx", "csv"])
@pytest.mark.parametrize("commande", list(LECTEURS))
def test_la_sortie_ne_remplace_jamais_le_fichier_verifie(dossier: Path, commande: str, format_: str,
                                                          facon: str) -> None:
    args, _, _ = LECTEURS[commande]
    entree = f"programmation.{format_}"
    sortie = _designer(dossier, entree, facon)
    avant = etat(dossier)

    r = invoquer(args(entree, sortie))

    message_refus(r, sortie)
    assert etat(dossier) == avant  # fichier vérifié intact, rien d'autre d'écrit


@pytest.mark.parametrize("lien", [False, True], ids=["meme-nom", "lien-symbolique"])
def test_classeur_nouveau_ne_remplace_pas_un_classeur_existant(dossier: Path, lien: bool) -> None:
    classeur = dossier / "programmation-2023.xlsm"
    classeur.write_bytes(b"PK\x03\x04 saisies de l'utilisateur")
    sortie = classeur.name
    if lien:
        (dossier / "lien.xlsm").symlink_to(classeur)
        sortie = "lien.xlsm"
    avant = etat(dossier)

    r = invoquer(_args_classeur(sortie, remplacer=False))

    message_refus(r, sortie)
    assert etat(dossier) == avant


# --- un échec au milieu de l'écriture ne perd rien ------------------------------------------

def _preparer_echec(dossier: Path, commande: str) -> tuple[list[str], str]:
    """Les arguments de la commande et son fichier de sortie, qui existe déjà (ancien contenu)."""
    args, sortie, _ = ECRIVAINS[commande]
    (dossier / sortie).write_bytes(ANCIEN)
    return args(sortie), sortie


def _renommage_impossible(monkeypatch: pytest.MonkeyPatch, cible: str) -> None:
    """os.replace échoue quand il vise la sortie (comme un fichier verrouillé sous Windows)."""
    reel = os.replace

    def replace(src: Any, dst: Any, *a: Any, **k: Any) -> None:
        if Path(dst).name == cible:
            raise PermissionError(errno.EACCES, "Permission denied", str(dst))
        reel(src, dst, *a, **k)

    monkeypatch.setattr(os, "replace", replace)


@pytest.mark.parametrize("commande", list(ECRIVAINS))
def test_echec_du_renommage_laisse_l_ancien_fichier_intact(dossier: Path, commande: str,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    args, sortie = _preparer_echec(dossier, commande)
    avant = etat(dossier)
    _renommage_impossible(monkeypatch, sortie)

    r = invoquer(args)

    assert r.exit_code != 0, "la commande ne dit pas que l'écriture a échoué"
    assert etat(dossier) == avant  # ancien fichier intact, aucun fichier temporaire laissé
    assert not os.listdir(tempfile.gettempdir())


@pytest.mark.parametrize("commande", list(ECRIVAINS))
def test_echec_du_renommage_est_explique_en_francais(dossier: Path, commande: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    args, sortie = _preparer_echec(dossier, commande)
    _renommage_impossible(monkeypatch, sortie)

    r = invoquer(args)

    sans_trace(r)
    assert r.exit_code == 2, r.output
    assert "Erreur" in r.output and sortie in r.output, r.output


def _disque_plein(dossier: Path, commande: str) -> tuple[subprocess.CompletedProcess[str], dict[str, bytes]]:
    """Lance la commande dans un processus dont les fichiers ne peuvent dépasser la moitié de la
    taille de la sortie attendue : l'écriture échoue au milieu, comme sur un disque plein."""
    resource = pytest.importorskip("resource", reason="RLIMIT_FSIZE n'existe que sous Unix")

    args, sortie, ok = ECRIVAINS[commande]
    reference = invoquer(args(f"reference-{sortie}"))
    assert reference.exit_code in ok, reference.output
    taille = (dossier / f"reference-{sortie}").stat().st_size
    (dossier / f"reference-{sortie}").unlink()
    args, sortie = _preparer_echec(dossier, commande)
    avant = etat(dossier)

    def limiter() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (taille // 2, taille // 2))

    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "TMPDIR": tempfile.gettempdir(),
           "LANG": "C.UTF-8"}
    p = subprocess.run([sys.executable, "-m", "cdv_regles", *args], cwd=dossier, env=env,
                       capture_output=True, text=True, timeout=300, preexec_fn=limiter)
    return p, avant


@pytest.mark.parametrize("commande", list(ECRIVAINS))
def test_disque_plein_laisse_l_ancien_fichier_intact(dossier: Path, commande: str) -> None:
    p, avant = _disque_plein(dossier, commande)

    assert p.returncode != 0, p.stderr
    assert etat(dossier) == avant  # ancien fichier intact, aucun fichier temporaire laissé
    assert not os.listdir(tempfile.gettempdir())


@pytest.mark.parametrize("commande", list(ECRIVAINS))
def test_disque_plein_est_explique_en_francais(dossier: Path, commande: str) -> None:
    p, _ = _disque_plein(dossier, commande)

    assert "Traceback" not in p.stderr, p.stderr
    assert p.returncode == 2, p.stderr
    assert "Erreur" in p.stderr and ECRIVAINS[commande][1] in p.stderr, p.stderr


# --- aller-retour d'un classeur à macros ----------------------------------------------------

def _parties(donnees: bytes) -> dict[str, bytes]:
    import io

    with zipfile.ZipFile(io.BytesIO(donnees)) as z:
        return {n: z.read(n) for n in z.namelist()}


def _differences(avant: bytes, apres: bytes) -> list[str]:
    """Parties du zip ajoutées, retirées ou changées (pour un message d'échec lisible)."""
    try:
        a, b = _parties(avant), _parties(apres)
    except zipfile.BadZipFile:
        return ["le fichier n'est plus une archive zip lisible"]
    return sorted(n for n in a.keys() | b.keys() if a.get(n) != b.get(n))


@pytest.fixture(scope="module")
def classeurs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(classeur généré, même classeur rempli de trois dossiers et d'une formule par openpyxl)."""
    from cdv_regles.classeur import feuilles as F
    from cdv_regles.exemples import table_exemple
    from cdv_regles.verification import preparer

    pytest.importorskip("xlsxwriter")
    pytest.importorskip("pyopenvba")
    dossier = tmp_path_factory.mktemp("aller-retour")
    genere = dossier / "genere.xlsm"
    r = invoquer(_args_classeur(str(genere), remplacer=False))
    assert r.exit_code == 0, r.output

    table = table_exemple({"lignes": DOSSIERS}, preparer(2023)[1])
    wb = openpyxl.load_workbook(genere, keep_vba=True)
    ws = wb[F.FEUILLE_PROGRAMMATION]
    colonnes = {c.value: c.column for c in ws[1] if c.value}
    for i, ligne in enumerate(table.lignes, start=2):
        for entete, valeur in zip(table.entetes, ligne, strict=True):
            if valeur is not None:
                ws.cell(row=i, column=colonnes[entete], value=valeur)
    ws.cell(row=2, column=colonnes["Observations"], value='=CONCATENATE("Dossier ",A2)')
    tableau = ws.tables[F.TABLEAU]
    tableau.ref = re.sub(r"\d+$", str(1 + len(table.lignes)), tableau.ref)  # le tableau suit les saisies
    rempli = dossier / "rempli.xlsm"
    wb.save(rempli)
    _valeur_calculee(rempli, f"Dossier {ws['A2'].value}")
    return genere, rempli


def _valeur_calculee(chemin: Path, valeur: str) -> None:
    """Donne à la formule sa valeur calculée, comme Excel l'enregistre (openpyxl n'en écrit pas :
    l'outil refuserait le classeur et demanderait de le recalculer)."""
    with zipfile.ZipFile(chemin) as z:
        parties = [(info, z.read(info.filename)) for info in z.infolist()]
    nom = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(chemin, "w", zipfile.ZIP_DEFLATED) as z:
        for info, donnees in parties:
            if info.filename == nom:
                xml, n = re.subn(r'<c r="([A-Z]+2)"([^>]*)><f>(CONCATENATE\([^<]*)</f>(?:<v\s*/>|<v>[^<]*</v>)?</c>',
                                 lambda m: (f'<c r="{m.group(1)}"{re.sub(r" t=.[a-z]+.", "", m.group(2))} t="str">'
                                            f'<f>{m.group(3)}</f><v>{valeur}</v></c>'),
                                 donnees.decode())
                assert n == 1, "formule introuvable dans la feuille"
                donnees = xml.encode()
            z.writestr(info, donnees)


def test_le_classeur_rempli_garde_macro_bouton_validations_formule(classeurs: tuple[Path, Path]) -> None:
    """Le classeur de l'aller-retour a bien ce qu'il faut garder (sinon le test suivant ne prouve rien)."""
    genere, rempli = (_parties(p.read_bytes()) for p in classeurs)
    assert rempli["xl/vbaProject.bin"] == genere["xl/vbaProject.bin"]
    vml = next(v.decode() for n, v in rempli.items() if n.startswith("xl/drawings/vmlDrawing"))
    assert "<x:FmlaMacro>[0]!Verifier</x:FmlaMacro>" in vml
    feuille = rempli["xl/worksheets/sheet1.xml"].decode()
    assert feuille.count("<dataValidation ") == genere["xl/worksheets/sheet1.xml"].decode().count("<dataValidation ")
    assert "<dataValidation " in feuille
    assert "<f>CONCATENATE(" in feuille
    assert "<legacyDrawing" in feuille
    assert "<numFmt " in rempli["xl/styles.xml"].decode()


@pytest.mark.parametrize("commande", ["verifier", "verifier --sortie", "synthese", "exporter scdl", "texte-git"])
def test_les_commandes_ne_modifient_pas_le_classeur(classeurs: tuple[Path, Path], tmp_path: Path,
                                                    commande: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _, rempli = classeurs
    classeur = tmp_path / "programmation.xlsm"
    classeur.write_bytes(rempli.read_bytes())
    avant, date = classeur.read_bytes(), classeur.stat().st_mtime_ns
    monkeypatch.chdir(tmp_path)
    args: list[str]
    if commande == "verifier":
        args, attendu, ok = ["verifier", classeur.name, "--date", DATE], None, {0, 1}
    elif commande == "texte-git":
        args, attendu, ok = ["texte-git", classeur.name], None, {0}
    else:
        fabrique, attendu, ok = LECTEURS[commande.split(" --")[0]]
        args = fabrique(classeur.name, attendu)

    r = invoquer(args)

    sans_trace(r)
    assert r.exit_code in ok, r.output
    apres = classeur.read_bytes()
    assert hashlib.sha256(apres).digest() == hashlib.sha256(avant).digest(), \
        f"parties changées : {_differences(avant, apres)}"
    assert classeur.stat().st_mtime_ns == date
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(filter(None, [classeur.name, attendu]))


# --- des écritures qui ne peuvent pas nuire (issue 14.5) -----------------------------------------

def _cible_speciale(dossier: Path, nature: str) -> Path:
    if nature == "peripherique":
        return Path(os.devnull)
    if nature == "tube":
        chemin = dossier / "tube.fifo"
        os.mkfifo(chemin)
        return chemin
    chemin = dossier / "un-dossier"
    chemin.mkdir()
    return chemin


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="tubes nommés : Unix seulement")
@pytest.mark.parametrize("nature", ["peripherique", "tube", "dossier"])
@pytest.mark.parametrize("commande", list(ECRIVAINS))
def test_sortie_qui_n_est_pas_un_fichier_ordinaire_refusee(dossier: Path, commande: str, nature: str) -> None:
    import stat

    cible = _cible_speciale(dossier, nature)
    avant = os.stat(cible)
    args, _, _ = ECRIVAINS[commande]
    r = invoquer(args(str(cible)))
    sans_trace(r)
    assert r.exit_code == 2, r.output
    assert str(cible) in r.output and "fichier ordinaire" in r.output, r.output
    apres = os.stat(cible)
    assert stat.S_IFMT(apres.st_mode) == stat.S_IFMT(avant.st_mode)  # toujours un tube, un périphérique…
    if nature == "dossier":
        assert not any(cible.iterdir())


@pytest.mark.parametrize("commande", list(LECTEURS))
def test_sortie_tiret_ecrit_sur_la_sortie_standard(dossier: Path, commande: str) -> None:
    args, _, ok = LECTEURS[commande]
    avant = etat(dossier)
    r = invoquer(args("programmation.xlsx", "-"))
    assert r.exit_code in ok, r.output
    assert r.stdout.strip(), "rien sur la sortie standard"
    assert etat(dossier) == avant  # aucun fichier « - » créé


def test_classeur_apparu_pendant_la_construction_n_est_pas_remplace(dossier: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from cdv_regles.classeur import construction

    sortie = dossier / "programmation-2023.xlsm"
    original = construction._ecrire_classeur

    def pendant(chemin: Path, *a: Any) -> None:
        sortie.write_bytes(b"saisies de la collegue")  # quelqu'un crée le classeur entre-temps
        original(chemin, *a)

    monkeypatch.setattr(construction, "_ecrire_classeur", pendant)
    r = invoquer(_args_classeur(sortie.name, remplacer=False))
    sans_trace(r)
    assert r.exit_code == 2 and "est apparu pendant l'écriture" in r.output, r.output
    assert sortie.read_bytes() == b"saisies de la collegue"
    assert sorted(p.name for p in dossier.iterdir() if p.name.startswith(".")) == []  # aucun provisoire


@pytest.mark.parametrize("sans_liens", [False, True], ids=["lien", "o-excl"])
def test_publication_exclusive_meme_sans_liens_physiques(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        sans_liens: bool) -> None:
    from cdv_regles import ecriture
    from cdv_regles.erreurs import ErreurCdv

    if sans_liens:  # système de fichiers sans liens physiques (FAT, partage) : repli O_EXCL
        def link(*a: Any) -> None:
            raise OSError(errno.EPERM, "Operation not permitted")
        monkeypatch.setattr(os, "link", link)
    cible = tmp_path / "r.txt"
    ecriture.ecrire_texte(cible, "premier", remplacer=False)
    assert cible.read_text() == "premier"
    with pytest.raises(ErreurCdv, match="existe déjà"):
        ecriture.ecrire_texte(cible, "second", remplacer=False)
    original = ecriture.verifier_cible
    appels = []

    def apparait(chemin: Path) -> None:  # le fichier apparaît entre le contrôle et la publication
        appels.append(chemin)
        if len(appels) == 2:
            Path(chemin).write_text("de quelqu'un d'autre")
        original(chemin)

    monkeypatch.setattr(ecriture, "verifier_cible", apparait)
    autre = tmp_path / "autre.txt"
    with pytest.raises(ErreurCdv, match="est apparu pendant l'écriture"):
        ecriture.ecrire_texte(autre, "le nôtre", remplacer=False)
    assert autre.read_text() == "de quelqu'un d'autre"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["autre.txt", "r.txt"]


def test_arborescence_exclusive_et_droits_du_umask(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cdv_regles import ecriture
    from cdv_regles.erreurs import ErreurCdv

    ancien = os.umask(0o027)
    try:
        cible = tmp_path / "cdv-regles-x"
        ecriture.ecrire_arborescence(cible, {"src/m/__init__.py": "", "README.md": "# x\n"})
        assert (cible / "README.md").read_text() == "# x\n"
        assert cible.stat().st_mode & 0o777 == 0o750
        assert (cible / "src" / "m").stat().st_mode & 0o777 == 0o750
        assert (cible / "README.md").stat().st_mode & 0o777 == 0o640
        # Un dossier (même vide) apparu pendant l'écriture n'est ni rempli ni remplacé.
        autre = tmp_path / "cdv-regles-y"
        original = ecriture.creer_dossier

        def apparait(chemin: Path) -> None:
            autre.mkdir(exist_ok=True)
            original(chemin)

        monkeypatch.setattr(ecriture, "creer_dossier", apparait)
        with pytest.raises(ErreurCdv, match="est apparu pendant l'écriture"):
            ecriture.ecrire_arborescence(autre, {"src/m/__init__.py": ""})
        assert list(autre.iterdir()) == []
        assert sorted(p.name for p in tmp_path.iterdir()) == ["cdv-regles-x", "cdv-regles-y"]
        # Le classeur neuf suit le umask aussi (mkstemp crée en 0600).
        ecriture.ecrire_octets(tmp_path / "f.bin", b"x", remplacer=False)
        assert (tmp_path / "f.bin").stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(ancien)
