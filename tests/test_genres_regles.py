"""Trois sortes de règles, nommées pour ce qu'elles sont, chacune évaluée par un seul évaluateur :
``exiger:`` (le moteur des expressions), ``schema:`` (pandera sur le tableau typé) et ``lecture:``
(les constats de la lecture du fichier). Voir ``regles/LISEZMOI.md``."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cdv_regles.erreurs import RegleInvalide
from cdv_regles.regle import GENRES, LECTURES, lire_fichier_regles


def lire(tmp_path: Path, *regles: dict) -> list:
    chemin = tmp_path / "regles.yaml"
    fichier = {"famille": "schema", "source": {"document": "NC2023"}, "regles": list(regles)}
    chemin.write_text(yaml.safe_dump(fichier, allow_unicode=True), encoding="utf-8")
    return lire_fichier_regles(chemin, "socle", {})


def regle(**cles) -> dict:
    return {"id": "SCH-X", "titre": "x", "gravite": "alerte", "message": "m", **cles}


def test_chaque_sorte_a_son_evaluateur(tmp_path: Path) -> None:
    (e,) = lire(tmp_path, regle(exiger="rempli(porteur)"))
    (s,) = lire(tmp_path, regle(schema={"colonnes": ["cout_total"], "minimum": 0}))
    (lu,) = lire(tmp_path, regle(lecture="cellule_illisible"))
    assert [e.genre, s.genre, lu.genre] == ["exiger", "schema", "lecture"]
    assert set(GENRES) == {"exiger", "schema", "lecture"}
    assert (lu.lecture, lu.schema, lu.exiger) == ("cellule_illisible", None, None)


def test_l_ancienne_ecriture_de_lecture_est_acceptee(tmp_path: Path) -> None:
    (ancienne,) = lire(tmp_path, regle(schema={"lecture": "colonne_double"}))
    (nouvelle,) = lire(tmp_path, regle(lecture="colonne_double"))
    assert (ancienne.genre, ancienne.lecture, ancienne.schema) == ("lecture", "colonne_double", None)
    assert ancienne == nouvelle


@pytest.mark.parametrize(("cles", "attendu"), [
    ({}, "vu : aucune"),
    ({"exiger": "vrai", "lecture": "colonne_double"}, "vu : exiger, lecture"),
    ({"exiger": "vrai", "schema": {"colonnes": ["cout_total"], "minimum": 0}}, "vu : exiger, schema"),
])
def test_une_et_une_seule_sorte(tmp_path: Path, cles: dict, attendu: str) -> None:
    with pytest.raises(RegleInvalide, match="une et une seule") as e:
        lire(tmp_path, regle(**cles))
    assert attendu in e.value.message


def test_une_lecture_inconnue_est_refusee_au_chargement(tmp_path: Path) -> None:
    with pytest.raises(RegleInvalide) as e:
        lire(tmp_path, regle(lecture="cellule_fausse"))
    assert "lecture « cellule_fausse » inconnue" in e.value.message
    assert all(nom in e.value.message for nom in LECTURES)


def test_une_lecture_s_applique_a_tous_les_dossiers(tmp_path: Path) -> None:
    with pytest.raises(RegleInvalide, match="« lecture » s'applique à tous les dossiers"):
        lire(tmp_path, regle(lecture="colonne_double", applicable="oui(piece_cerfa)"))


def test_les_regles_du_socle_utilisent_la_nouvelle_ecriture() -> None:
    from cdv_regles.chemins import dossier_regles

    for chemin in sorted(dossier_regles().glob("*/*.yaml")):
        for r in yaml.safe_load(chemin.read_text(encoding="utf-8")).get("regles", []):
            assert "lecture" not in (r.get("schema") or {}), (chemin.name, r["id"])
