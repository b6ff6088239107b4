"""Les points d'extension sont documentés : chaque hook de ``cdv_regles.hookspecs`` a sa
docstring, qui cite chacun de ses arguments (``:param nom:`` ou son nom).

Un auteur de greffon n'a que cette documentation (et le guide) pour savoir ce que reçoit son
hook : un hook ajouté sans la mettre à jour fait échouer ce test.
"""

from __future__ import annotations

import inspect
import re
import types
from pathlib import Path
from typing import Any

import pluggy

from cdv_regles import hookspecs

# Ce que l'issue 3 demande aux hooks : règles, paramètres datés, contrôles Python, listes et
# colonnes, synthèse, et qui porte le greffon.
HOOKS_ATTENDUS = {
    "cdv_regles_partenaire", "cdv_regles_fichiers_regles", "cdv_regles_fichiers_parametres",
    "cdv_regles_controles", "cdv_regles_referentiels", "cdv_regles_colonnes", "cdv_regles_synthese",
}


def specifications(module: Any) -> dict[str, Any]:
    """Les fonctions marquées ``@hookspec`` du projet cdv_regles dans ``module``."""
    return {nom: f for nom, f in vars(module).items()
            if callable(f) and hasattr(f, "cdv_regles_spec")}


def lacunes(module: Any) -> list[str]:
    """Ce qui manque à la documentation des hooks de ``module``, dit en français."""
    manques = []
    for nom, f in sorted(specifications(module).items()):
        doc = inspect.getdoc(f) or ""
        if not doc.strip():
            manques.append(f"{nom} : pas de docstring")
            continue
        for arg in inspect.signature(f).parameters:
            if f":param {arg}:" not in doc and not re.search(rf"\b{re.escape(arg)}\b", doc):
                manques.append(f"{nom} : l'argument « {arg} » n'est pas documenté (:param {arg}:)")
    return manques


def test_chaque_hook_et_chaque_argument_sont_documentes() -> None:
    assert lacunes(hookspecs) == []


def test_les_hooks_demandes_existent() -> None:
    assert set(specifications(hookspecs)) >= HOOKS_ATTENDUS
    assert all(nom.startswith("cdv_regles_") for nom in specifications(hookspecs))


def test_les_arguments_sont_documentes_par_param() -> None:
    """La forme ``:param nom:`` est celle des hooks actuels : elle reste la règle."""
    for nom, f in specifications(hookspecs).items():
        doc = inspect.getdoc(f) or ""
        for arg in inspect.signature(f).parameters:
            assert f":param {arg}:" in doc, f"{nom} : ajoutez « :param {arg}: » à sa docstring"


def test_la_verification_detecte_un_hook_ou_un_argument_non_documente() -> None:
    """Le contrôle lui-même : sur un module de hooks fabriqué, il trouve chaque oubli."""
    marque = pluggy.HookspecMarker("cdv_regles")
    faux = types.ModuleType("faux_hookspecs")

    @marque
    def cdv_regles_sans_doc(tableau: Any) -> None:
        pass

    @marque
    def cdv_regles_argument_oublie(tableau: Any, millesime_cible: int) -> list[Any]:
        """Documente :param tableau: le tableau, mais pas le second argument."""

    @marque
    def cdv_regles_complet(tableau: Any) -> list[Any]:
        """Un hook en règle.

        :param tableau: le tableau typé.
        """

    for f in (cdv_regles_sans_doc, cdv_regles_argument_oublie, cdv_regles_complet):
        setattr(faux, f.__name__, f)
    assert lacunes(faux) == [
        "cdv_regles_argument_oublie : l'argument « millesime_cible » n'est pas documenté (:param millesime_cible:)",
        "cdv_regles_sans_doc : pas de docstring",
    ]


# --- le guide des greffons cite chaque hook avec sa signature exacte (à la datasette) ----------------

GUIDE = Path(__file__).resolve().parents[1] / "plugins" / "GUIDE.md"


def signature_lisible(nom: str, f: Any) -> str:
    """``cdv_regles_controles(tableau: pl.DataFrame, contexte: Contexte) -> list[Constat]``."""
    s = inspect.signature(f)
    parametres = ", ".join(f"{p.name}: {p.annotation}" for p in s.parameters.values())
    return f"{nom}({parametres}) -> {s.return_annotation}"


def signatures_du_guide(texte: str) -> set[str]:
    """Les morceaux de code en ligne du guide (``| `` échappé dans les tableaux)."""
    return {m.replace("\\|", "|") for m in re.findall(r"`([^`\n]+)`", texte)}


def signatures_absentes(texte: str) -> list[str]:
    presentes = signatures_du_guide(texte)
    return [signature_lisible(n, f) for n, f in sorted(specifications(hookspecs).items())
            if signature_lisible(n, f) not in presentes]


def test_chaque_hook_figure_dans_le_guide_avec_sa_signature() -> None:
    assert signatures_absentes(GUIDE.read_text(encoding="utf-8")) == []


def test_un_hook_change_sans_le_guide_est_signale() -> None:
    texte = GUIDE.read_text(encoding="utf-8").replace("cdv_regles_fichiers_regles(millesime: int)",
                                                      "cdv_regles_fichiers_regles(annee: int)")
    assert signatures_absentes(texte) == ["cdv_regles_fichiers_regles(millesime: int) -> list[Path]"]


def test_les_annotations_des_hooks_ne_sont_pas_any() -> None:
    """Le tableau, le contexte et les constats ont leur type (polars.DataFrame, Contexte, Constat)."""
    for nom, f in specifications(hookspecs).items():
        for p in inspect.signature(f).parameters.values():
            assert p.annotation is not inspect.Parameter.empty and "Any" not in str(p.annotation), (nom, p)
