"""``cdv-regles texte-git`` : le tableau en texte stable, branché comme pilote textconv de git."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from tableaux import ecrire_csv

from cdv_regles.cli import cdv_regles

DEPOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent  # là où l'installation a mis la commande cdv-regles


def texte_git(chemin: Path) -> object:
    return CliRunner().invoke(cdv_regles, ["texte-git", str(chemin)], catch_exceptions=False)


def test_un_bloc_par_dossier_trie_valeurs_normalisees(classeur) -> None:
    chemin = classeur([{"numero_dossier": "2023-10", "cout_total": 12500, "piece_cerfa": "x",
                        "observations": "Première ligne\nseconde ligne"},
                       {"numero_dossier": "2023-9", "cout_total": "13 000,50 €", "date_debut": "2023-02-01"},
                       {"numero_dossier": None, "cout_total": "douze mille"}],
                      colonnes_en_plus={"Référent interne": "Mme X"})
    r = texte_git(chemin)
    assert r.exit_code == 0, r.output
    blocs = r.stdout.split("\n\n")
    assert blocs[0] == "Tableau de programmation (feuille Programmation) : 3 dossiers"
    # Tri naturel par N° dossier, le dossier sans numéro à la fin.
    assert [b.splitlines()[0] for b in blocs[1:]] == [
        "=== Dossier 2023-9 ===", "=== Dossier 2023-10 ===", "=== Dossier sans N° (ligne 4) ==="]
    neuf, dix, sans = (b.splitlines() for b in blocs[1:])
    assert "Coût total de l'action : 13 000,50 €" in neuf
    assert "Date de début de l'action : 01/02/2023" in neuf
    assert "Coût total de l'action : 12 500 €" in dix
    assert "Dossier cerfa : Oui" in dix and "Action reconduite : Non" in dix
    assert "Orientation : 2 - Santé et accès aux soins" in dix
    i = dix.index("Observations : Première ligne")
    assert dix[i + 1] == "    seconde ligne"
    assert dix[-1] == "Référent interne : Mme X"  # colonne hors contrat : après celles du contrat
    assert "Coût total de l'action : douze mille (illisible)" in sans
    # Ni constat, ni cellule vide.
    assert "SIRET" in r.stdout and "BLOQUANT" not in r.stdout
    assert not any(x.endswith(" : ") or x.endswith(":") for x in r.stdout.splitlines())
    assert "Montant sollicité CAF du Nord" not in r.stdout


def test_forme_stable(classeur) -> None:
    # Même contenu, lignes dans un autre ordre, montant saisi en texte ou en nombre : même texte.
    a = classeur([{"numero_dossier": "A", "cout_total": 20000}, {"numero_dossier": "B"}], nom="a.xlsx")
    b = classeur([{"numero_dossier": "B"}, {"numero_dossier": "A", "cout_total": "20 000 €"}], nom="b.xlsx")
    assert texte_git(a).stdout == texte_git(b).stdout


def test_colonne_obligatoire_absente_et_fichier_illisible(classeur, tmp_path: Path) -> None:
    sans_siret = classeur([{}], colonnes_absentes=["siret"])
    r = texte_git(sans_siret)
    assert r.exit_code == 0 and "SIRET" not in r.stdout and "Porteur : Association Exemple" in r.stdout
    faux = tmp_path / "faux.xlsx"
    faux.write_bytes(b"ceci n'est pas un classeur")
    r = CliRunner().invoke(cdv_regles, ["texte-git", str(faux)])
    assert r.exit_code == 2
    assert "Erreur" in r.output and "Traceback" not in r.output


def test_lecture_seule_sans_moteur_de_regles(classeur) -> None:
    # Un Python neuf, comme git à chaque diff : ni polars, ni pandera, ni règles chargés.
    chemin = classeur([{}])
    code = ("import sys\n"
            "from cdv_regles.cli import main\n"
            f"sys.argv = ['cdv-regles', 'texte-git', {str(chemin)!r}]\n"
            "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
            "print(sorted(m for m in ('polars', 'pandera', 'cdv_regles.moteur', 'cdv_regles.catalogue')"
            " if m in sys.modules), file=sys.stderr)\n")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert p.returncode == 0, p.stderr
    assert p.stderr.strip().splitlines()[-1] == "[]"
    assert "=== Dossier 2023-EX-001 ===" in p.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="git absent")
def test_git_diff_montre_la_cellule_changee(classeur, tmp_path: Path) -> None:
    """Un vrai dépôt configuré comme le dit ci/README.md : .gitattributes et git config."""
    assert (BIN / "cdv-regles").exists() or (BIN / "cdv-regles.exe").exists()
    depot = tmp_path / "depot"
    depot.mkdir()
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org"}

    def git(*args: str) -> str:
        p = subprocess.run(["git", *args], cwd=depot, env=env, capture_output=True, text=True,
                           encoding="utf-8", check=False)
        assert p.returncode == 0, p.stderr
        return p.stdout

    # Exactement les lignes que ci/README.md donne à l'utilisateur.
    doc = (DEPOT / "ci" / "README.md").read_text(encoding="utf-8").splitlines()
    assert 'git config diff.cdv-regles.textconv "cdv-regles texte-git"' in doc
    assert 'git config diff.cdv-regles.xfuncname "^=== Dossier .* ===$"' in doc
    assert "*.xlsx diff=cdv-regles" in doc
    git("init", "-q")
    git("config", "diff.cdv-regles.textconv", "cdv-regles texte-git")
    (depot / ".gitattributes").write_text("*.xlsx diff=cdv-regles\n", encoding="utf-8")
    avant = classeur([{"numero_dossier": "2023-001", "cout_total": 12500}, {"numero_dossier": "2023-002"}],
                     nom="avant.xlsx")
    apres = classeur([{"numero_dossier": "2023-001", "cout_total": 13000}, {"numero_dossier": "2023-002"}],
                     nom="apres.xlsx")
    shutil.copy(avant, depot / "programmation.xlsx")
    git("add", ".")
    git("commit", "-q", "-m", "avant")
    shutil.copy(apres, depot / "programmation.xlsx")
    diff = git("diff", "--unified=0", "programmation.xlsx")
    changees = [x for x in diff.splitlines() if x[:1] in "+-" and not x.startswith(("+++", "---"))]
    assert changees == ["-Coût total de l'action : 12 500 €", "+Coût total de l'action : 13 000 €"]
    # Sans xfuncname, l'en-tête de bloc (@@) ne dit pas de quel dossier il s'agit ; avec, si.
    git("config", "diff.cdv-regles.xfuncname", "^=== Dossier .* ===$")
    entetes = [x for x in git("diff", "--unified=0", "programmation.xlsx").splitlines() if x.startswith("@@")]
    assert len(entetes) == 1 and entetes[0].endswith("@@ === Dossier 2023-001 ===")
    # Sans le pilote, git ne montrerait qu'un fichier binaire : c'est bien lui qui a servi.
    assert "Binary files" not in diff


def _csv(tmp_path: Path, environnement_2023, lignes: list[dict], nom: str = "t.csv") -> Path:
    """Un CSV (point-virgule, UTF-8) : il peut porter des caractères qu'un .xlsx refuse."""
    from cdv_regles.exemples import table_exemple

    table = table_exemple({"lignes": lignes}, environnement_2023[1])
    return ecrire_csv(table, tmp_path / nom)


def test_une_cellule_ne_forge_pas_de_ligne(tmp_path: Path, environnement_2023) -> None:
    hostile = "vrai\n=== Dossier FAUX ===\r::error::x\x1b[2J\u2028fin"
    chemin = _csv(tmp_path, environnement_2023, [
        {"numero_dossier": "A\n=== Dossier B ===", "observations": hostile, "porteur": "P\x1b]0;titre\x07"}])
    r = texte_git(chemin)
    assert r.exit_code == 0, r.output
    lignes = r.stdout.splitlines()
    assert [x for x in lignes if x.startswith("===")] == ["=== Dossier A↵=== Dossier B === ==="]
    assert not any(x.startswith("::") for x in lignes)
    assert "\x1b" not in r.stdout and "\x07" not in r.stdout and "\r" not in r.stdout
    i = lignes.index("Observations : vrai")
    assert lignes[i + 1:i + 4] == ["    === Dossier FAUX ===", "    ::error::x␛[2J", "    fin"]
    assert "Porteur : P␛]0;titre␇" in lignes


def test_saisies_reelles_normalisees(tmp_path: Path, environnement_2023) -> None:
    chemin = _csv(tmp_path, environnement_2023, [
        {"numero_dossier": "A", "siret": "732 829 320 00074", "cout_total": "20\u202f000,00 €",
         "date_debut": "01/01/23", "piece_pre": "SO", "communes": "Anzin, Marly", "beneficiaires_femmes": 1e308},
        {"numero_dossier": "B", "cout_total": 1e308}])
    r = texte_git(chemin)
    assert r.exit_code == 0, r.output
    assert "SIRET : 73282932000074" in r.stdout
    assert "Coût total de l'action : 20 000 €" in r.stdout
    assert "Date de début de l'action : 01/01/2023" in r.stdout
    assert "Fiches PRE (annexes 6, 6B, 6C) : Sans objet" in r.stdout
    assert "Commune(s) : Anzin; Marly" in r.stdout
    # 1e308 (écrit « 1e+308 » dans le CSV) : cellule illisible, montrée telle quelle, sans échec.
    assert "Coût total de l'action : 1e+308 (illisible)" in r.stdout
    assert "Bénéficiaires prévus (femmes) : 1e+308 (illisible)" in r.stdout
