"""La commande ``cdv-regles verifier`` telle que l'utilisent un agent et la CI."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from cdv_regles.cli import cdv_regles


def lancer(*args: str):
    return CliRunner().invoke(cdv_regles, list(args), catch_exceptions=False)


def test_tableau_en_regle_sort_avec_zero(classeur):
    r = lancer("verifier", str(classeur([{}])), "--date", "2023-03-01")
    assert r.exit_code == 0, r.output
    assert "1 dossier(s) vérifié(s)" in r.output and "0 bloquant, 0 alerte" in r.output
    assert "BLOQUANT" not in r.output and "ALERTE" not in r.output


def test_constats_groupes_par_dossier_et_statut_un(classeur):
    chemin = classeur([{}, {"piece_cerfa": "Non", "numero_dossier": "B-2"}])
    r = lancer("verifier", str(chemin), "--date", "2023-03-01")
    assert r.exit_code == 1
    assert "Dossier B-2 (ligne 3)" in r.output
    assert "BLOQUANT  PIE-CERFA" in r.output


def test_seuil_alerte(classeur):
    chemin = classeur([{"qpv": None}])  # seulement une alerte : QPV vide
    assert lancer("verifier", str(chemin), "--date", "2023-03-01").exit_code == 0
    assert lancer("verifier", str(chemin), "--date", "2023-03-01", "--echec-si", "alerte").exit_code == 1


def test_json_au_contrat(classeur):
    chemin = classeur([{"cout_total": "21 000"}])
    r = lancer("verifier", str(chemin), "--date", "2023-03-01", "--format", "json")
    donnees = json.loads(r.output)
    (c,) = [c for c in donnees["constats"] if c["regle"] == "BUD-EQUILIBRE"]
    assert set(c) == {"dossier", "ligne", "regle", "famille", "gravite", "partenaire", "colonnes", "message",
                      "source"}
    assert c["source"].startswith("NC2023, « Étape 3")
    assert c["ligne"] == 2 and c["partenaire"] == "socle" and c["colonnes"] == ["Coût total de l'action"]
    message = c["message"].replace("\u00a0", " ")
    assert "coût total 21 000 €" in message and "20 000 €" in message and "écart 1 000 €" in message
    assert donnees["resume"]["par_gravite"]["bloquant"] >= 1
    assert donnees["resume"]["millesime"] == 2023


def test_date_de_reference_change_les_echeances(classeur):
    chemin = classeur([{"date_dossier_definitif": None}])
    avant = lancer("verifier", str(chemin), "--date", "2022-11-30", "--format", "json")
    apres = lancer("verifier", str(chemin), "--date", "2022-12-05", "--format", "json")
    regles = lambda r: {c["regle"] for c in json.loads(r.output)["constats"]}  # noqa: E731
    assert "ECH-DOSSIER-DEFINITIF-MANQUANT" not in regles(avant)
    assert "ECH-DOSSIER-DEFINITIF-MANQUANT" in regles(apres)


def test_sortie_ecrite_et_fichier_verifie_protege(classeur, tmp_path):
    chemin = classeur([{}])
    avant = chemin.read_bytes()
    rapport = tmp_path / "rapport.json"
    r = lancer("verifier", str(chemin), "--format", "json", "--sortie", str(rapport), "--millesime", "2023")
    assert r.exit_code == 0 and json.loads(rapport.read_text())["resume"]["dossiers"] == 1
    r = lancer("verifier", str(chemin), "--sortie", str(chemin), "--millesime", "2023")
    assert r.exit_code == 2 and "fichier vérifié" in r.output
    assert chemin.read_bytes() == avant


@pytest.mark.parametrize(("args", "attendu"), [
    (["verifier"], "Argument manquant"),
    (["verifier", "x.xlsx", "--date", "01/03/2023"], "n'est pas une date AAAA-MM-JJ"),
    (["verifier", "x.xlsx", "--format", "pdf"], "n'est pas l'une des valeurs"),
    (["verifier", "x.xlsx", "--sans", "socle"], "ne peut pas être désactivé"),
    (["inconnue"], "Commande inconnue"),
])
def test_erreurs_d_usage_en_francais_statut_deux(args, attendu):
    r = CliRunner().invoke(cdv_regles, args)
    assert r.exit_code == 2
    assert attendu in r.output


def test_fichier_absent_ou_illisible_sans_trace(tmp_path):
    faux = tmp_path / "pas-un-classeur.xlsx"
    faux.write_text("bonjour")
    for chemin in (tmp_path / "absent.xlsx", faux):
        p = subprocess.run([sys.executable, "-m", "cdv_regles", "verifier", str(chemin)],
                           capture_output=True, text=True)
        assert p.returncode == 2
        assert "Erreur" in p.stderr and "Traceback" not in p.stderr + p.stdout


def test_aide_en_francais():
    r = lancer("--help")
    assert "Utilisation :" in r.output and "Commandes" in r.output and "verifier" in r.output
    r = lancer("verifier", "--help")
    assert "Date de référence" in r.output and "Show this message" not in r.output


# --- La disposition des commandes (issue 17.5) ----------------------------------------------------

LOURDS = ("polars", "pandera", "xlwings", "hypothesis", "openpyxl", "python_calamine", "cdv_regles.moteur")


def _modules_charges(code: str) -> list[str]:
    code += f"\nimport json\nprint(json.dumps(sorted(m for m in {LOURDS!r} if m in sys.modules)))"
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout.strip().splitlines()[-1])


def test_aide_instantanee_sans_module_lourd():
    code = ("import sys, contextlib, io\nimport cdv_regles.cli as c\n"
            "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
            "    sys.argv = ['cdv-regles', '--help']\n    c.main()\n")
    assert _modules_charges(code) == []


@pytest.mark.parametrize("nom", ["verifier", "greffons", "synthese", "exporter", "classeur",
                                 "nouveau-greffon", "texte-git"])
def test_module_de_commande_n_importe_ni_cli_ni_rien_de_lourd(nom):
    from cdv_regles.cli import COMMANDES

    module, attribut = COMMANDES[nom].split(":")
    code = f"import sys, {module} as m\nassert 'cdv_regles.cli' not in sys.modules, '{module} importe cli'\n" \
           f"assert m.{attribut}.name\n"
    assert _modules_charges(code) == []


def test_noms_francais_et_anciens_noms_anglais():
    aide = lancer("--help").output
    commandes = aide.split("Commandes")[1]
    for nom in ("verifier", "greffons", "synthese", "exporter", "classeur", "nouveau-greffon", "texte-git"):
        assert f"  {nom} " in commandes
    assert "  plugins " not in commandes and "  nouveau-plugin " not in commandes
    assert "plugins (greffons)" in aide  # l'aide dit que l'ancien nom marche encore
    r_fr = lancer("greffons", "--format", "json", "--millesime", "2023")
    r_en = lancer("plugins", "--format", "json", "--millesime", "2023")
    assert r_fr.exit_code == r_en.exit_code == 0
    assert json.loads(r_fr.output) == json.loads(r_en.output)
    assert "DOSSIER/cdv-regles-NOM" in lancer("nouveau-plugin", "--help").output


def test_millesime_declare_une_fois_pour_toutes_les_commandes():
    from cdv_regles import options
    from cdv_regles.cli import cdv_regles as groupe

    ctx = click.Context(groupe)
    vus = {}
    for nom in ("verifier", "greffons", "synthese"):
        (p,) = [p for p in groupe.get_command(ctx, nom).params if p.name == "millesime"]
        vus[nom] = p
    vus["exporter scdl"] = next(p for p in groupe.get_command(ctx, "exporter").commands["scdl"].params
                                if p.name == "millesime")
    vus["classeur nouveau"] = next(p for p in groupe.get_command(ctx, "classeur").commands["nouveau"].params
                                   if p.name == "millesime")
    assert all(isinstance(p.type, options.Millesime) for p in vus.values())
    r = lancer("verifier", "x.xlsx", "--millesime", "deux-mille")
    assert r.exit_code == 2 and "n'est pas une année" in r.output


def test_commande_cassee_visible_en_francais(monkeypatch, tmp_path):
    import tempfile

    from cdv_regles import cli

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setitem(cli.COMMANDES, "synthese", "cdv_regles.module_absent_pour_le_test:synthese")
    aide = lancer("--help").output
    assert "synthese" in aide and "indisponible" in aide
    r = CliRunner().invoke(cdv_regles, ["synthese", "x.xlsx"])
    assert r.exit_code == 4, r.output
    assert "la commande « synthese » ne peut pas être chargée" in r.output
    assert "cdv_regles.module_absent_pour_le_test" in r.output and "réinstallez" in r.output
    assert "Traceback" not in r.output
    (journal,) = tmp_path.glob("cdv-regles-erreur-*.log")
    assert "ModuleNotFoundError" in journal.read_text(encoding="utf-8")


def test_erreur_inattendue_message_journal_et_statut_quatre(classeur, monkeypatch, tmp_path):
    import tempfile

    from cdv_regles import verification

    chemin = classeur([{}])
    journaux = tmp_path / "journaux"
    journaux.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(journaux))

    def panne(*a, **k):
        return 1 / 0

    monkeypatch.setattr(verification, "verifier_fichier", panne)
    r = CliRunner().invoke(cdv_regles, ["verifier", str(chemin)])
    assert r.exit_code == 4, r.output
    assert "erreur interne de cdv-regles (ZeroDivisionError)" in r.stderr
    assert "ce n'est pas une erreur de votre fichier" in r.stderr and "Traceback" not in r.output
    (journal,) = journaux.glob("cdv-regles-erreur-*.log")
    assert str(journal) in r.stderr
    texte = journal.read_text(encoding="utf-8")
    assert "Traceback" in texte and "ZeroDivisionError" in texte and "panne" in texte
    # --debug (ou CDV_REGLES_DEBUG=1) : la trace à l'écran aussi, même statut.
    for args, env in ((["--debug", "verifier", str(chemin)], {}),
                      (["verifier", str(chemin)], {"CDV_REGLES_DEBUG": "1"})):
        r = CliRunner().invoke(cdv_regles, args, env=env)
        assert r.exit_code == 4 and "Traceback" in r.stderr and "1 / 0" in r.stderr


def test_tube_ferme_fin_silencieuse(classeur):
    chemin = classeur([{"piece_cerfa": "Non"}])
    for args in (["verifier", str(chemin), "--millesime", "2023"], ["--help"], ["texte-git", str(chemin)]):
        p = subprocess.Popen([sys.executable, "-m", "cdv_regles", *args], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        p.stdout.close()  # le lecteur est parti avant la première ligne (comme « | head -0 »)
        erreur = p.stderr.read().decode()
        assert p.wait() == 141, erreur
        assert erreur == ""


def test_sans_un_greffon_inconnu_liste_les_installes():
    r = CliRunner().invoke(cdv_regles, ["verifier", "x.xlsx", "--sans", "pole-emploi"])
    assert r.exit_code == 2
    assert "greffon inconnu : pole-emploi" in r.output and "socle" in r.output and "etat" in r.output


@pytest.mark.parametrize("commande", [["verifier"], ["synthese"], ["plugins"]])
def test_desactiver_un_greffon_inconnu_par_la_variable_est_refuse_comme_sans(classeur, commande, monkeypatch):
    """Une faute de frappe dans CDV_REGLES_DESACTIVER laisserait le greffon actif sans rien dire."""
    chemin = classeur([{}])
    monkeypatch.setenv("CDV_REGLES_DESACTIVER", "region-hdf,pole-emploi")
    fichier = [str(chemin)] if commande != ["plugins"] else []
    r = CliRunner().invoke(cdv_regles, [*commande, *fichier, "--millesime", "2023"])
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    assert ("variable d'environnement CDV_REGLES_DESACTIVER='region-hdf,pole-emploi' : greffon inconnu : "
            "pole-emploi. Greffons installés : ars-hdf, caf-nord") in r.stderr
    assert "Corrigez-la" in r.stderr
    monkeypatch.setenv("CDV_REGLES_DESACTIVER", " region-hdf , ")  # espaces et virgule finale admis
    r = CliRunner().invoke(cdv_regles, ["plugins", "--millesime", "2023", "--format", "json"])
    assert r.exit_code == 0 and "region-hdf" in [g["nom"] for g in json.loads(r.stdout)["greffons"] if not g["actif"]]


# --- Le rapport texte : l'important d'abord (issue 16.6) ------------------------------------------

def test_rapport_texte_bloquants_puis_alertes_puis_compte_des_infos(classeur):
    # ligne 2 : une alerte (QPV vide) ; ligne 3 : un bloquant ; marqueur 0 : une info.
    chemin = classeur([{"qpv": None}, {"piece_cerfa": "Non", "numero_dossier": "B-2", "marqueur_egalite": 0}])
    sortie = lancer("verifier", str(chemin), "--date", "2023-03-01").output
    assert sortie.index("Constats bloquants") < sortie.index("Dossier B-2") < sortie.index("Alertes")
    assert sortie.index("Alertes") < sortie.index("ALERTE") < sortie.index("information(s) non détaillée(s)")
    assert "info     " not in sortie and "--infos" in sortie
    detail = lancer("verifier", str(chemin), "--date", "2023-03-01", "--infos").output
    assert "Informations (" in detail and "info      EGA-MARQUEUR-ZERO" in detail
    assert detail.index("Alertes") < detail.index("Informations (")


# --- Longues commandes : progression sur un terminal, sortie vérifiée d'abord (issue 16.6) -------

def test_progression_sur_un_terminal_seulement(classeur, monkeypatch, tmp_path):
    from cdv_regles import progression

    chemin = classeur([{}])
    args = ["synthese", str(chemin), "--date", "2023-03-01", "--sortie", str(tmp_path / "s.html")]
    r = CliRunner().invoke(cdv_regles, args)
    assert r.exit_code == 0 and "Lecture de" not in r.stderr, r.output  # pas un terminal : rien
    monkeypatch.setattr(progression, "sur_terminal", lambda: True)
    r = CliRunner().invoke(cdv_regles, args)
    assert r.exit_code == 0, r.output
    etapes = r.stderr
    assert etapes.index("Lecture de") < etapes.index("Vérification de") < etapes.index("Écriture de")
    assert "s.html" not in r.stdout  # la progression va sur la sortie d'erreur


def test_sortie_impossible_dite_avant_le_travail(classeur, monkeypatch, tmp_path):
    from cdv_regles import greffons, lecture

    def interdit(*a, **k):
        raise AssertionError("le travail a commencé avant de vérifier la sortie")

    chemin = classeur([{}])
    existant = tmp_path / "programmation-2023.xlsm"
    existant.write_bytes(b"saisies")
    monkeypatch.setattr(greffons, "charger", interdit)
    monkeypatch.setattr(lecture, "lire_table", interdit)
    r = CliRunner().invoke(cdv_regles, ["classeur", "nouveau", "--millesime", "2023", "--sortie", str(existant)])
    assert r.exit_code == 2 and "existe déjà" in r.stderr, r.output
    assert existant.read_bytes() == b"saisies"
    for commande in (["synthese", str(chemin)], ["verifier", str(chemin)],
                     ["exporter", "scdl", str(chemin)]):
        r = CliRunner().invoke(cdv_regles, [*commande, "--sortie", str(tmp_path / "absent" / "r.csv")])
        assert r.exit_code == 2 and "n'existe pas" in r.stderr, (commande, r.output)


def test_nom_de_fichier_ecrit_sans_caractere_de_controle(tmp_path) -> None:
    """Un nom de sortie qui porte ESC ou un saut de ligne est montré (« ␛ », « ↵ »), jamais écrit brut
    sur le terminal ni sur une ligne à lui (issue 14.6)."""
    from pathlib import Path

    exemple = Path(__file__).resolve().parents[1] / "classeurs" / "exemple-programmation-2023.xlsx"
    sortie = tmp_path / "rapport\x1b[2J\n::error faux.txt"
    r = CliRunner().invoke(cdv_regles, ["verifier", str(exemple), "--date", "2023-03-01", "--millesime", "2023",
                                        "--sortie", str(sortie)])
    assert r.exit_code == 1, r.output
    assert sortie.exists()
    assert "\x1b" not in r.output and "\n::error" not in r.output
    assert "␛[2J↵::error faux.txt" in r.output


@pytest.mark.parametrize(("format_", "controle", "vu"), [("xlsx", "\u202e", "<U+202E>"), ("csv", "\x1b", "␛")])
def test_rapport_texte_rend_visibles_les_caracteres_de_controle(environnement_2023, tmp_path, format_,
                                                                 controle, vu):
    """Un N° de dossier ou une valeur citée dans un message qui porte un caractère de contrôle
    (échappement de terminal, inversion de sens) ou un saut de ligne : rendu visible, parmi des
    centaines de messages ordinaires."""
    from tableaux import ecrire_csv, ecrire_xlsx

    from cdv_regles.exemples import table_exemple

    lignes = [{"numero_dossier": f"D-{k}", "piece_cerfa": "Non"} for k in range(300)]
    lignes += [{"numero_dossier": f"D-{controle}[2J", "siret": f"123{controle}[31m"},
               {"numero_dossier": "D-x\ny", "piece_cerfa": "Non"}]
    table = table_exemple({"lignes": lignes}, environnement_2023[1])
    ecrire = ecrire_csv if format_ == "csv" else ecrire_xlsx
    chemin = ecrire(table, tmp_path / f"programmation.{format_}")
    r = lancer("verifier", str(chemin), "--date", "2023-03-01")
    assert r.exit_code == 1, r.output
    assert controle not in r.output and "D-x\ny" not in r.output
    assert f"Dossier D-{vu}[2J" in r.output and f"123{vu}[31m" in r.output and "D-x↵y" in r.output
    assert r.output.count("BLOQUANT  PIE-CERFA") == 301
