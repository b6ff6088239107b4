"""La table de couverture des deux documents (regles/COUVERTURE.md) tient à jour la liste des
règles : chaque identifiant qu'elle cite existe, chaque règle du socle et des greffons y figure,
et chaque exigence y a un contrôle ou une raison écrite."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

DEPOT = Path(__file__).resolve().parents[1]
COUVERTURE = DEPOT / "regles" / "COUVERTURE.md"
LISEZMOI = DEPOT / "regles" / "LISEZMOI.md"
EXEMPLE = DEPOT / "classeurs" / "exemple-programmation-2023.xlsx"
IDENTIFIANT = re.compile(r"`([A-Z]{2,5}(?:-[A-Z0-9]+)+)`")


def lignes_du_tableau() -> list[list[str]]:
    """Les lignes des tableaux (hors en-têtes et séparateurs), cellule par cellule."""
    lignes = []
    for ligne in COUVERTURE.read_text(encoding="utf-8").splitlines():
        if not ligne.startswith("| ") or set(ligne) <= {"|", "-", " "} or ligne.startswith("| # |"):
            continue
        lignes.append([c.strip() for c in ligne.strip("|").split(" | ")])
    return lignes


@pytest.fixture(scope="module")
def regles_connues() -> tuple[set[str], set[str]]:
    """(règles déclarées dans les fichiers, contrôles Python vus sur le classeur exemple)."""
    from cdv_regles.verification import preparer, verifier_fichier

    _, catalogue = preparer(2023)
    declarees = {r.id for r in catalogue.regles}
    resultat = verifier_fichier(EXEMPLE, millesime=2023, date_reference=dt.date(2023, 3, 1))
    python = {c.regle for c in resultat.constats} - declarees
    return declarees, python


def test_chaque_identifiant_cite_existe(regles_connues) -> None:
    declarees, python = regles_connues
    cites = set(IDENTIFIANT.findall(COUVERTURE.read_text(encoding="utf-8")))
    assert cites, "la table ne cite aucune règle"
    assert cites - declarees - python == set()


def test_chaque_regle_figure_dans_la_table(regles_connues) -> None:
    declarees, python = regles_connues
    assert python, "le classeur exemple devrait produire au moins un constat de contrôle Python"
    cites = set(IDENTIFIANT.findall(COUVERTURE.read_text(encoding="utf-8")))
    assert (declarees | python) - cites == set()


def test_chaque_exigence_a_un_controle_ou_une_raison() -> None:
    lignes = lignes_du_tableau()
    exigences = [x for x in lignes if len(x) == 5]
    assert len(exigences) >= 60  # les deux documents ont plus de 60 exigences vérifiables
    for numero, section, exigence, controle, decision in exigences:
        assert section and exigence, numero
        if not IDENTIFIANT.search(controle):
            # Sans règle, la raison ou la décision est écrite.
            assert controle in ("non contrôlable", "décision", "—") and decision not in ("", "—"), numero
    # Les contradictions des documents sont dites.
    texte = COUVERTURE.read_text(encoding="utf-8")
    for contradiction in ("31 décembre 2022", "22 juin 2015", "30 juin 2015", "Contradiction"):
        assert contradiction in texte


def test_la_table_est_liee_depuis_le_lisez_moi() -> None:
    assert "COUVERTURE.md" in LISEZMOI.read_text(encoding="utf-8")
