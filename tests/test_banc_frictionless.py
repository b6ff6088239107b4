"""Le schéma Table Schema que le banc d'essai donne à frictionless suit le contrat de colonnes.

``benchmarks/schema-frictionless.json`` est committé : la comparaison à frictionless
(``benchmarks/mesurer.py``) n'a de sens que s'il contrôle ce que contrôle le contrat (colonnes,
types, obligatoires, formats des identifiants) sur le CSV tel que le banc l'écrit. Ces tests
le lisent sans rien chronométrer.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from cdv_regles import valeurs
from cdv_regles.contrat import colonnes_du_millesime, colonnes_socle
from cdv_regles.types_colonnes import lire_orientation

BANC = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BANC))

import generer  # noqa: E402  (module du banc d'essai, pas un paquet)
import valider_frictionless  # noqa: E402

MILLESIME = 2023
TYPES_FRICTIONLESS = {"montant": "number", "date": "date", "entier": "integer", "marqueur": "integer",
                      "booleen": "boolean"}


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(generer.SCHEMA.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def modele() -> generer.Modele:
    return generer.modele(MILLESIME)


def test_le_schema_committe_est_celui_que_deduit_le_banc(modele):
    # Une colonne ajoutée ou rendue obligatoire dans regles/colonnes.yaml : relancer
    # « uv run python benchmarks/generer.py --schema » et committer le schéma.
    assert generer.SCHEMA.read_text(encoding="utf-8") == generer.texte_schema(modele)


def test_chaque_colonne_du_contrat_avec_son_type_et_son_caractere_obligatoire(schema):
    colonnes = colonnes_du_millesime(colonnes_socle(), MILLESIME)
    champs = schema["fields"]
    assert [c["name"] for c in champs] == [c.entete for c in colonnes]
    for colonne, champ in zip(colonnes, champs, strict=True):
        contraintes = champ.get("constraints", {})
        assert champ["type"] == TYPES_FRICTIONLESS.get(colonne.type, "string"), colonne.id
        assert contraintes.get("required", False) == (colonne.requis == "O"), colonne.id
        assert contraintes.get("unique", False) == (colonne.id == "numero_dossier"), colonne.id
        assert ("pattern" in contraintes) == (colonne.type in ("siret", "rna", "orientation")), colonne.id
        if colonne.type == "montant":
            # Comme l'export CSV d'Excel en français : « 20 000,00 € ».
            assert (champ["decimalChar"], champ["groupChar"], champ["bareNumber"]) == (",", "\u00a0", False)
        if colonne.type == "date":
            assert champ["format"] == "%d/%m/%Y"


def _motif(schema: dict, entete: str) -> re.Pattern[str]:
    champ = next(c for c in schema["fields"] if c["name"] == entete)
    return re.compile("^" + champ["constraints"]["pattern"] + "$")  # ancré comme frictionless


@pytest.mark.parametrize("cellule", [
    "73282932000074", "732 829 320 00074", "732.829.320.00074", "732\u00a0829\u00a0320\u00a000074",
    " 73282932000074 ", "7328293200007", "732829320000745", "7328293200007A", "SIRET 73282932000074",
    "\u0667\u0663\u0662\u0668\u0662\u0669\u0663\u0662\u0660\u0660\u0660\u0660\u0667\u0664", "",
])
def test_le_motif_du_siret_admet_ce_que_lit_cdv_regles(schema, cellule):
    # Même format que le contrat : 14 chiffres ASCII, espaces et points de présentation admis
    # (la clé de contrôle est une règle, pas un format).
    lu = valeurs.lire_siret(cellule)
    format_juste = lu is not None and re.fullmatch(r"[0-9]{14}", lu) is not None
    assert bool(_motif(schema, "SIRET").match(cellule)) == format_juste


@pytest.mark.parametrize("cellule", ["W590000001", "w590000001", "W 590 000 001", "W59000000",
                                     "W5900000012", "590000001", "X590000001", "W59000000A"])
def test_le_motif_du_rna_admet_ce_que_lit_cdv_regles(schema, cellule):
    assert bool(_motif(schema, "RNA").match(cellule)) == valeurs.rna_valide(valeurs.lire_rna(cellule))


@pytest.mark.parametrize("cellule", ["2", "2 - Santé et accès aux soins", "Orientation 3", "orientation 3 : emploi",
                                     "6)", "Santé", "2 Santé", "- 2", "1234567"])
def test_le_motif_de_l_orientation_admet_ce_que_lit_cdv_regles(schema, cellule):
    try:
        lisible = lire_orientation(cellule) is not None
    except valeurs.ValeurIllisible:
        lisible = False
    assert bool(_motif(schema, "Orientation").match(cellule)) == lisible


def test_les_reponses_oui_non_sont_lues_comme_par_cdv_regles(schema):
    for champ in (c for c in schema["fields"] if c["type"] == "boolean"):
        assert all(valeurs.lire_booleen(v) is True for v in champ["trueValues"])
        assert all(valeurs.lire_booleen(v) is False for v in champ["falseValues"])
        assert all(valeurs.lire_booleen(v) in (None, valeurs.SANS_OBJET) for v in champ["missingValues"])


def test_frictionless_lit_tout_le_csv_du_banc_et_n_y_trouve_que_les_fautes(tmp_path, modele):
    # Des dossiers en règle, écrits comme par le banc (export CSV d'Excel en français) : aucune
    # erreur, toutes les lignes lues. Puis quatre fautes, chacune trouvée dans sa colonne.
    sains = generer.dossiers(replace(modele, fautes=[]), 30)
    chemin = tmp_path / "sains.csv"
    generer.ecrire_csv(chemin, modele, sains)
    resultat = valider_frictionless.valider(str(chemin), str(generer.SCHEMA))
    assert (resultat["valide"], resultat["erreurs"], resultat["lignes"]) == (True, 0, 30), resultat

    fautifs = [dict(d) for d in sains]
    fautifs[3]["siret"] = "7328293200007"  # 13 chiffres
    fautifs[7]["porteur"] = None  # obligatoire
    fautifs[9]["numero_dossier"] = fautifs[8]["numero_dossier"]  # doublon
    fautifs[12]["cout_total"] = "douze mille"
    generer.ecrire_csv(chemin, modele, fautifs)
    resultat = valider_frictionless.valider(str(chemin), str(generer.SCHEMA))
    assert resultat["lignes"] == 30
    assert sorted(resultat["exemples"]) == sorted([
        ["constraint-error", "SIRET", "7328293200007"], ["constraint-error", "Porteur", ""],
        ["unique-error", "N° dossier", fautifs[8]["numero_dossier"]],
        ["type-error", "Coût total de l'action", "douze mille"]])
