"""Un fichier de règles, de paramètres ou un greffon défectueux est refusé clairement."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cdv_regles.catalogue import ensembles_pour_chaque
from cdv_regles.erreurs import RegleInvalide
from cdv_regles.moteur import compiler
from cdv_regles.parametres import Parametres
from cdv_regles.regle import lire_fichier_regles


def ecrire(tmp_path: Path, texte: str, nom: str = "regles.yaml") -> Path:
    chemin = tmp_path / nom
    chemin.write_text(texte, encoding="utf-8")
    return chemin


def lire(chemin: Path, environnement):
    _, catalogue = environnement
    return lire_fichier_regles(chemin, "socle", ensembles_pour_chaque(catalogue))


REGLE_OK = """
famille: pieces
source: {document: NC2023, section: Étape 3}
regles:
  - id: PIE-ESSAI
    gravite: bloquant
    exiger: "oui(piece_cerfa)"
    message: "manque {piece_cerfa}"
"""


@pytest.mark.parametrize(("texte", "attendu"), [
    ("regles: [", "YAML illisible (ligne"),
    ("- juste une liste", "un dictionnaire avec une liste « regles: »"),
    (REGLE_OK.replace("gravite: bloquant", "gravite: grave"), "gravité « grave » inconnue"),
    (REGLE_OK.replace("famille: pieces", "famille: argent"), "famille « argent » inconnue"),
    (REGLE_OK.replace("    exiger:", "    exige:"), "clé(s) de règle inconnue(s) : exige"),
    (REGLE_OK.replace("id: PIE-ESSAI", "id: pie essai"), "identifiant invalide"),
    (REGLE_OK.replace('    message: "manque {piece_cerfa}"\n', ""), "le message est obligatoire"),
    (REGLE_OK.replace("source: {document: NC2023, section: Étape 3}\n", ""), "source"),
    ("regles:\n  - !!python/object/apply:os.system ['id']\n", "YAML illisible"),
])
def test_fichier_mal_forme_refuse_avec_chemin_et_regle(tmp_path, environnement_2023, texte, attendu):
    chemin = ecrire(tmp_path, texte)
    with pytest.raises(RegleInvalide) as e:
        lire(chemin, environnement_2023)
    assert attendu in e.value.message
    assert str(chemin) in e.value.message


@pytest.mark.parametrize(("exiger", "attendu"), [
    ("oui(piece_inexistante)", "nom inconnu « piece_inexistante »"),
    ("__import__('os')", "fonction inconnue"),
    ("statut == 'Accepté'", "n'est pas une valeur de la liste statuts"),
])
def test_expression_fautive_refusee_a_la_compilation(tmp_path, environnement_2023, exiger, attendu):
    chemin = ecrire(tmp_path, REGLE_OK.replace('"oui(piece_cerfa)"', f'"{exiger}"'))
    regle = lire(chemin, environnement_2023)[0]
    with pytest.raises(RegleInvalide) as e:
        compiler(regle, environnement_2023[1], dt.date(2023, 3, 1))
    assert attendu in e.value.message and "PIE-ESSAI" in e.value.message


def test_message_qui_cite_un_champ_inconnu(tmp_path, environnement_2023):
    chemin = ecrire(tmp_path, REGLE_OK.replace("manque {piece_cerfa}", "manque {piece_x}"))
    regle = lire(chemin, environnement_2023)[0]
    with pytest.raises(RegleInvalide, match=r"le message cite \{piece_x\}"):
        compiler(regle, environnement_2023[1], dt.date(2023, 3, 1))


@pytest.mark.parametrize(("colonnes", "attendu"), [
    ('["colonnes_de(referentiel(\'financeurs\'))"]',
     ("montant_etat", "montant_cavm", "montant_departement", "montant_region", "montant_caf", "montant_ars",
      "montant_cpam")),
    ("[piece_cerfa, colonnes_financement]", ("piece_cerfa", "montant_etat", "montant_cavm", "bonus_egalite")),
    ("[piece_cerfa, piece_budget]", ("piece_cerfa", "piece_budget")),
])
def test_colonnes_en_cause_ecrites_ou_calculees(tmp_path, environnement_2023, colonnes, attendu):
    """« colonnes: » admet des identifiants et des listes de colonnes (paramètre, colonnes_de), dans
    l'ordre écrit : les cellules colorées suivent la liste des financeurs du millésime."""
    chemin = ecrire(tmp_path, REGLE_OK.replace("    exiger:", f"    colonnes: {colonnes}\n    exiger:"))
    compilee = compiler(lire(chemin, environnement_2023)[0], environnement_2023[1], dt.date(2023, 3, 1))
    assert compilee.colonnes[:len(attendu)] == attendu


@pytest.mark.parametrize(("colonnes", "attendu"), [
    ("[piece_x]", "colonnes inconnues : piece_x"),
    ("[tolerance_equilibre]", "« colonnes » : « tolerance_equilibre » n'est ni une colonne ni une liste"),
    ('["valeurs_de(referentiel(\'financeurs\'), \'nom\')"]', "n'est ni une colonne ni une liste de colonnes"),
    ('["colonnes_de(referentiel(\'financeurs\'), \'nom\')"]',
     "la liste « financeurs » cite des colonnes inconnues (champ « nom ») : État (politique de la ville)"),
])
def test_colonnes_en_cause_fautives_refusees(tmp_path, environnement_2023, colonnes, attendu):
    chemin = ecrire(tmp_path, REGLE_OK.replace("    exiger:", f"    colonnes: {colonnes}\n    exiger:"))
    with pytest.raises(RegleInvalide) as e:
        compiler(lire(chemin, environnement_2023)[0], environnement_2023[1], dt.date(2023, 3, 1))
    assert attendu in e.value.message and "PIE-ESSAI" in e.value.message


def test_parametres_dates_par_millesime(tmp_path):
    chemin = ecrire(tmp_path, """
enveloppe_region:
  description: SREI
  valeurs:
    2017-2021: 148275
limite:
  valeurs:
    2023: 2022-09-16
    2025: 2024-09-13
seuil:
  valeurs:
    2023-: 3
    2025-: 4
    2027-: null
""", "parametres.yaml")
    p = Parametres()
    p.ajouter_fichier(chemin, "socle")
    assert [p.tous["enveloppe_region"].valeur(a) for a in (2016, 2017, 2021, 2023)] == [None, 148275, 148275, None]
    # Une clé AAAA ne vaut que pour ce millésime : la date limite 2023 ne se reporte pas en 2024.
    assert [p.tous["limite"].valeur(a) for a in (2022, 2023, 2024, 2025, 2026)] == [
        None, dt.date(2022, 9, 16), None, dt.date(2024, 9, 13), None]
    # « AAAA- » : à partir de ce millésime, jusqu'à une clé plus récente.
    assert [p.tous["seuil"].valeur(a) for a in (2022, 2023, 2024, 2025, 2026, 2027, 2030)] == [
        None, 3, 3, 4, 4, None, None]


@pytest.mark.parametrize(("texte", "attendu"), [
    ("x:\n  valeurs:\n    vingt: 1\n", "période « vingt » invalide"),
    ("x:\n  valeurs:\n    2021-2017: 1\n", "à l'envers"),
    ("x:\n  description: sans valeurs\n", "doit avoir une clé « valeurs »"),
    ("X-Y:\n  valeurs: {2023: 1}\n", "nom de paramètre « X-Y » invalide"),
])
def test_parametre_mal_forme(tmp_path, texte, attendu):
    with pytest.raises(RegleInvalide, match=attendu):
        Parametres().ajouter_fichier(ecrire(tmp_path, texte, "p.yaml"), "socle")


def test_parametre_defini_deux_fois(tmp_path):
    p = Parametres()
    p.ajouter_fichier(ecrire(tmp_path, "x:\n  valeurs: {2023: 1}\n", "a.yaml"), "socle")
    with pytest.raises(RegleInvalide, match="déjà défini"):
        p.ajouter_fichier(ecrire(tmp_path, "x:\n  valeurs: {2023: 2}\n", "b.yaml"), "region-hdf")
