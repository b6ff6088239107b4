"""La commande ``cdv-regles verifier`` telle que l'utilisent un agent et la CI."""

from __future__ import annotations

import json
import subprocess
import sys

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
    r = lancer("verifier", str(chemin), "--format", "json", "--sortie", str(rapport))
    assert r.exit_code == 0 and json.loads(rapport.read_text())["resume"]["dossiers"] == 1
    r = lancer("verifier", str(chemin), "--sortie", str(chemin))
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
