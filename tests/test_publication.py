"""La publication (``outils/publier.py``) et l'installation du poste Windows (``installer.cmd``).

Une seule source de version ; xlwings épinglé à la version du module VBA du classeur ; un dossier
de publication complet ; un installeur sans joker qui n'installe nos paquets que depuis son
propre dossier ; et ses étapes rejouées sous Linux dans un environnement neuf, d'où la commande
``cdv-regles`` vérifie le classeur exemple hors du dépôt.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
import yaml

DEPOT = Path(__file__).resolve().parents[1]
EXEMPLE = DEPOT / "classeurs" / "exemple-programmation-2023.xlsx"
CLASSEUR = DEPOT / "classeurs" / "programmation-2023.xlsm"
ATTENDUS = DEPOT / "outils" / "exemple-2023-attendus.yaml"


def _module_publier():
    spec = importlib.util.spec_from_file_location("publier", DEPOT / "outils" / "publier.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


publier = _module_publier()


def version_socle() -> str:
    from cdv_regles import __version__

    return __version__


def metadonnees(roue: Path) -> dict[str, list[str]]:
    with zipfile.ZipFile(roue) as z:
        (nom,) = [n for n in z.namelist() if n.endswith(".dist-info/METADATA")]
        message = Parser().parsestr(z.read(nom).decode("utf-8"))
    return {cle: message.get_all(cle) or [] for cle in ("Name", "Version", "Requires-Dist")}


# --- Une seule version ------------------------------------------------------------------------

def test_chaque_paquet_lit_la_version_du_socle() -> None:
    trouvees = publier.versions()
    assert set(trouvees.values()) == {version_socle()}
    noms = {tomllib.loads(p.read_text(encoding="utf-8"))["project"]["name"] for p in publier.membres()}
    assert trouvees.keys() == noms and len(noms) == 8  # le socle et les sept greffons


def test_une_version_ecrite_ailleurs_bloque_la_publication(tmp_path: Path) -> None:
    shutil.copytree(DEPOT / "src" / "cdv_regles", tmp_path / "src" / "cdv_regles",
                    ignore=shutil.ignore_patterns("*.py[co]", "__pycache__", "gabarit"))
    shutil.copy(DEPOT / "pyproject.toml", tmp_path)
    for pyproject in (DEPOT / "plugins").glob("*/pyproject.toml"):
        (tmp_path / "plugins" / pyproject.parent.name).mkdir(parents=True)
        shutil.copy(pyproject, tmp_path / "plugins" / pyproject.parent.name)
    assert set(publier.versions(tmp_path).values()) == {version_socle()}
    etat = tmp_path / "plugins" / "cdv-regles-etat" / "pyproject.toml"
    etat.write_text(etat.read_text(encoding="utf-8").replace('dynamic = ["version"]', 'version = "0.2.0"'),
                    encoding="utf-8")
    with pytest.raises(publier.ErreurPublication, match=r"plugins/cdv-regles-etat/pyproject.toml : 0\.2\.0"):
        publier.versions(tmp_path)


# --- xlwings à la version du module VBA du classeur --------------------------------------------

def version_vba_du_classeur(chemin: Path) -> str:
    from pyopenvba import ExcelFile

    with ExcelFile(chemin) as f:
        module = f.get_module("xlwings")
    m = re.search(r"^'Version: (\S+)", module, re.MULTILINE)
    assert m, "le module VBA xlwings du classeur ne dit pas sa version"
    return m[1]


def test_xlwings_est_epingle_a_la_version_du_module_vba_du_classeur() -> None:
    from importlib import metadata

    socle = tomllib.loads((DEPOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    (epingle,) = [d for d in socle["dependencies"] if re.match(r"xlwings\b", d)]
    m = re.fullmatch(r"xlwings==(\S+)", epingle.replace(" ", ""))
    assert m, f"xlwings doit être épinglé exactement (==), pas « {epingle} »"
    verrou = tomllib.loads((DEPOT / "uv.lock").read_text(encoding="utf-8"))
    (xlwings_verrou,) = [p["version"] for p in verrou["package"] if p["name"] == "xlwings"]
    vba = version_vba_du_classeur(CLASSEUR)
    assert m[1] == xlwings_verrou == vba == metadata.version("xlwings"), (
        f"pyproject {m[1]}, uv.lock {xlwings_verrou}, module VBA du classeur {vba}, installé "
        f"{metadata.version('xlwings')} : régénérez le classeur (classeurs/README.md) après tout changement")


# --- Le dossier de publication ------------------------------------------------------------------

def test_la_publication_contient_tout_et_rien_d_autre(publication: Path) -> None:
    version = version_socle()
    fichiers = sorted(p.name for p in publication.iterdir())
    roues = [n for n in fichiers if n.endswith(".whl")]
    assert sorted(set(fichiers) - set(roues)) == ["LISEZMOI.txt", "dependances.txt", "installer.cmd",
                                                   CLASSEUR.name]
    assert (publication / CLASSEUR.name).read_bytes() == CLASSEUR.read_bytes()
    metas = {m["Name"][0]: m for m in (metadonnees(publication / r) for r in roues)}
    assert {m["Version"][0] for m in metas.values()} == {version}
    paquets = publier.versions()
    assert metas.keys() == {*paquets, publier.META_PAQUET}
    # Le méta-paquet du territoire : le socle et chaque greffon, à la version exacte.
    assert sorted(metas[publier.META_PAQUET]["Requires-Dist"]) == sorted(f"{n}=={version}" for n in paquets)
    assert f"xlwings=={version_vba_du_classeur(CLASSEUR)}" in metas["cdv-regles"]["Requires-Dist"]
    # Les paquets publics : tous épinglés avec leurs empreintes, aucun des nôtres.
    dependances = (publication / "dependances.txt").read_text(encoding="utf-8")
    exigences = re.findall(r"^([A-Za-z0-9._-]+)==(\S+)", dependances, re.MULTILINE)
    assert exigences and not any(n.startswith("cdv-regles") for n, _ in exigences)
    assert ("xlwings", version_vba_du_classeur(CLASSEUR)) in exigences
    assert dependances.count("--hash=sha256:") >= len(exigences)
    assert "publication" in (publication / "LISEZMOI.txt").read_text(encoding="utf-8")


def test_la_publication_ne_remplace_rien_sans_le_dire(publication: Path) -> None:
    with pytest.raises(publier.ErreurPublication, match="existe déjà"):
        publier.publier(publication)


# --- installer.cmd : ce qu'il dit ---------------------------------------------------------------

def lignes_cmd(publication: Path) -> list[str]:
    brut = (publication / "installer.cmd").read_bytes()
    assert b"\r\n" in brut and b"\n" not in brut.replace(b"\r\n", b""), "installer.cmd doit avoir des fins CRLF"
    return brut.decode("utf-8").split("\r\n")


def commandes_cmd(lignes: list[str]) -> list[str]:
    """Les lignes qui exécutent quelque chose (ni commentaire, ni message, ni étiquette)."""
    return [x.strip() for x in lignes
            if x.strip() and not re.match(r"(?i)(rem\b|echo\b|::|:[a-z_]+$|@echo off$)", x.strip())]


def variables_cmd(lignes: list[str]) -> dict[str, str]:
    return {m[1]: m[2] for x in lignes if (m := re.fullmatch(r'set "([A-Z_]+)=(.*)"', x.strip()))}


def test_l_installeur_n_a_ni_joker_ni_valeur_a_modifier(publication: Path) -> None:
    from cdv_regles.classeur.construction import CONFIGURATION

    lignes = lignes_cmd(publication)
    commandes = commandes_cmd(lignes)
    # Aucun joker : ni cmd.exe ni pip ne développent *.whl.
    assert not [c for c in commandes if re.search(r"[*?]", c)]
    assert not [x for x in lignes if "@" in x.replace("@echo off", "")], "modèle mal rempli"
    variables = variables_cmd(lignes)
    assert variables["VERSION"] == version_socle() and variables["PAQUET"] == publier.META_PAQUET
    assert variables["ICI"] == "%~dp0."  # sans la barre finale, qui échapperait le guillemet fermant
    # L'environnement est celui que le classeur attend (feuille xlwings.conf, Interpreter_Win).
    interpreteur = dict((c, v) for c, v, _ in CONFIGURATION)["Interpreter_Win"]
    chemin_python = variables["PYTHON"].replace("%ENV%", variables["ENV"])
    assert chemin_python == interpreteur
    assert 'py -3 -m venv "%ENV%"' in " ".join(commandes)
    pips = [c for c in commandes if c.startswith('"%PYTHON%" -m pip install')]
    assert len(pips) == 2
    assert '--require-hashes -r "%ICI%\\dependances.txt"' in pips[0]
    assert pips[1].endswith('--no-index --find-links "%ICI%" "%PAQUET%==%VERSION%"')
    # Chaque saut mène à une étiquette, chaque variable lue est posée (ou fournie par Windows).
    etiquettes = {x.strip()[1:] for x in lignes if re.fullmatch(r":[a-z_]+", x.strip())}
    assert {m for c in commandes for m in re.findall(r"goto (\w+)", c)} <= etiquettes
    lues = {m for x in lignes for m in re.findall(r"(?<!%)%([A-Z_]+)%(?!%)", x)}
    assert lues <= {*variables, "USERPROFILE"}
    assert "%~dp0" not in " ".join(c for c in commandes if not c.startswith("set "))


# --- installer.cmd : ses étapes rejouées sous Linux ---------------------------------------------

def rejouer_installeur(publication: Path, accueil: Path) -> Path:
    """Exécute les commandes d'installer.cmd dans l'ordre, traduites pour Linux : ``py -3`` est
    ce Python, ``Scripts\\python.exe`` devient ``bin/python`` et ``python -m pip install`` devient
    ``uv pip install --python …`` (mêmes options ; ``CDV_REGLES_PIP_REEL=1`` garde le vrai pip,
    plus lent). Une commande que ce traducteur ne connaît pas fait échouer le test : le miroir ne
    peut pas rester en retard sur le fichier. Renvoie le Python de l'environnement créé."""
    lignes = lignes_cmd(publication)
    valeurs = {"USERPROFILE": str(accueil)}

    def developper(texte: str) -> str:
        texte = texte.replace("%~dp0.", str(publication))
        for _ in range(3):
            texte = re.sub(r"(?<!%)%([A-Z_]+)%(?!%)", lambda m: valeurs.get(m[1], m[0]), texte)
        return texte.replace("\\Scripts\\python.exe", "/bin/python").replace("\\", "/")

    uv = os.environ.get("UV") or shutil.which("uv")
    pip_reel = os.environ.get("CDV_REGLES_PIP_REEL") == "1"
    for commande in commandes_cmd(lignes):
        if m := re.fullmatch(r'set "([A-Z_]+)=(.*)"', commande):
            valeurs[m[1]] = developper(m[2])
        elif re.fullmatch(r"(setlocal|chcp 65001 >nul|pause|exit /b [01]|goto \w+|if errorlevel 1 goto \w+|"
                          r"where py >nul 2>nul|if not exist \"%PYTHON%\" goto \w+)", commande):
            continue  # contrôle du déroulement : les statuts sont vérifiés ci-dessous
        elif commande.startswith("py -3 -c "):
            argv = shlex.split(developper(commande))
            assert subprocess.run([sys.executable, *argv[2:]], check=False).returncode == 0, commande
        elif m := re.fullmatch(r'if not exist "%PYTHON%" py -3 -m venv (.+)', commande):
            (env,) = shlex.split(developper(m[1]))
            if not Path(valeurs["PYTHON"]).exists():
                # Sans pip quand uv le remplace : ensurepip coûte des dizaines de secondes.
                subprocess.run([sys.executable, "-m", "venv", *([] if pip_reel else ["--without-pip"]), env],
                               check=True)
        elif commande.startswith('"%PYTHON%" -m pip install '):
            argv = shlex.split(developper(commande))
            assert argv[:4] == [valeurs["PYTHON"], "-m", "pip", "install"]
            options = [a for a in argv[4:] if a != "--disable-pip-version-check"]
            lancement = argv[:4] + options if pip_reel else [uv, "pip", "install", "--python", argv[0], *options]
            p = subprocess.run(lancement, capture_output=True, text=True, check=False)
            assert p.returncode == 0, f"{commande}\n{p.stdout}\n{p.stderr}"
        elif commande.startswith('"%PYTHON%" -m cdv_regles '):
            p = subprocess.run(shlex.split(developper(commande)), capture_output=True, text=True, check=False)
            assert p.returncode == 0, p.stdout + p.stderr
        else:
            pytest.fail(f"commande d'installer.cmd non rejouée sous Linux : {commande}")
    return Path(valeurs["PYTHON"])


@pytest.mark.lent
def test_installation_depuis_la_publication_seule(publication: Path, tmp_path: Path) -> None:
    accueil = tmp_path / "accueil"
    accueil.mkdir()
    python = rejouer_installeur(publication, accueil)
    assert python == accueil / "cdv-regles" / "bin" / "python"
    # Les règles viennent du paquet installé, pas d'une copie du dépôt.
    p = subprocess.run([str(python), "-c", "from cdv_regles.chemins import dossier_regles; print(dossier_regles())"],
                       capture_output=True, text=True, check=True, cwd=tmp_path)
    assert "site-packages" in p.stdout and str(DEPOT) not in p.stdout
    greffons = subprocess.run([str(python), "-m", "cdv_regles", "greffons", "--millesime", "2023"], capture_output=True,
                              text=True, check=True, cwd=tmp_path).stdout
    for nom in ("socle", "etat", "valenciennes-metropole", "departement-nord", "region-hdf", "caf-nord",
                "ars-hdf", "cpam-hainaut"):
        assert re.search(rf"^\s*{nom}\s.*{re.escape(version_socle())}", greffons, re.MULTILINE), nom
    # Vérifier le classeur exemple hors du dépôt, avec la commande installée.
    travail = tmp_path / "bureau"
    travail.mkdir()
    shutil.copy(EXEMPLE, travail / "tableau.xlsx")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "CDV_REGLES_DESACTIVER")}
    r = subprocess.run([str(python.parent / "cdv-regles"), "verifier", "tableau.xlsx", "--date", "2023-03-01",
                        "--millesime", "2023", "--format", "json", "--sortie", "constats.json"],
                       cwd=travail, env=env, capture_output=True, text=True, check=False)
    assert r.returncode == 1, r.stdout + r.stderr
    constats = json.loads((travail / "constats.json").read_text(encoding="utf-8"))["constats"]
    attendus = yaml.safe_load(ATTENDUS.read_text(encoding="utf-8"))["constats"]
    for gravite in ("bloquant", "alerte"):
        vus = {(c["dossier"], c["regle"]) for c in constats if c["gravite"] == gravite}
        assert vus == {(c["dossier"], c["regle"]) for c in attendus if c["gravite"] == gravite}, gravite


def test_le_guide_windows_passe_par_installer_cmd() -> None:
    """Les étapes du guide : aucun joker, aucune commande à taper ni à adapter, installer.cmd."""
    guide = (DEPOT / "classeurs" / "README.md").read_text(encoding="utf-8")
    etapes = guide[guide.index("## Installer sous Windows"):guide.index("## Vérifier le tableau")]
    assert "double-cliquez **`installer.cmd`**" in etapes
    assert "*.whl" not in guide and "```bat" not in etapes
    assert "%USERPROFILE%\\cdv-regles\\Scripts\\python.exe" in etapes
