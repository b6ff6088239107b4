"""De la synthèse (dictionnaire) aux tableaux qu'on montre : mêmes tableaux, mêmes titres et
mêmes graphiques dans le rapport HTML et dans la feuille Synthèse du classeur.

Une ``Vue`` est un tableau (en-têtes, lignes de valeurs brutes, sorte de chaque colonne :
``texte``, ``montant``, ``nombre``, ``part``) et, au besoin, le graphique en barres d'une de ses
colonnes. Les rubriques des greffons deviennent des vues génériques (voir ``vues_greffon``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cdv_regles.synthese.format import libelle_cle, montant, nombre, sorte_de_cle, valeur_lisible

LIBELLES_GRAVITE = {"bloquant": "Bloquant", "alerte": "Alerte", "info": "Info"}
LIBELLES_FAMILLE = {"schema": "Structure et identifiants", "pieces": "Pièces du dossier", "echeances": "Échéances",
                    "budget": "Budget", "egalite": "Égalité femmes-hommes", "priorites": "Priorités des financeurs"}
COULEURS_GRAVITE = {"bloquant": "#b3261e", "alerte": "#b36b00", "info": "#2f6690"}


@dataclass
class Graphique:
    """Barres horizontales : libellés de la colonne 0, longueurs de la colonne ``valeur``."""

    titre: str
    valeur: int
    repere: int | None = None          # colonne du trait vertical (enveloppe)
    alertes: list[bool] | None = None  # barres à montrer en rouge (enveloppe dépassée)
    couleurs: list[str] | None = None


@dataclass
class Vue:
    cle: str
    titre: str
    entetes: list[str]
    sortes: list[str]
    lignes: list[list[Any]]
    note: str = ""
    graphique: Graphique | None = None
    # Sorte propre à une cellule (tableaux « indicateur / valeur » des greffons).
    sortes_cellules: dict[tuple[int, int], str] = field(default_factory=dict)
    vide: str = "Aucun dossier."

    def sorte(self, i: int, j: int) -> str:
        return self.sortes_cellules.get((i, j), self.sortes[j])


@dataclass
class Section:
    cle: str
    titre: str
    vues: list[Vue]
    intro: str = ""


def _pluriel(n: int, mot: str) -> str:
    return f"{nombre(n)} {mot}{'s' if n > 1 else ''}"


def sections(synthese: dict[str, Any]) -> list[Section]:
    """Les sections du rapport, dans l'ordre de lecture du comité."""
    socle = synthese.get("rubriques", {}).get("socle") or {}
    millesime = synthese.get("millesime")
    sortie: list[Section] = []
    if socle:
        perimetre = socle.get("perimetre", {})
        sortie += [
            Section("financeurs", "Demandes par financeur", [vue_financeurs(socle, millesime)],
                    perimetre.get("note", "")),
            Section("orientations", "Demandes par orientation", [vue_orientations(socle)]),
            Section("territoires", "Demandes par commune et par quartier prioritaire",
                    [vue_lieux(socle.get("communes", {}), "communes", "Commune", ("commune", "communes")),
                     vue_lieux(socle.get("qpv", {}), "qpv", "Quartier prioritaire",
                               ("quartier prioritaire", "quartiers prioritaires"))]),
            Section("statuts", "Dossiers par statut", [vue_statuts(socle)]),
            Section("egalite", "Marqueurs égalité femmes-hommes", [vue_marqueurs(socle), vue_porteurs_zero(socle)]),
            Section("constats-comptes", "Constats du contrôle",
                    [vue_constats_gravite(socle), vue_constats_partenaires(socle), vue_constats_familles(socle)]),
        ]
    partenaires = synthese.get("partenaires", {})
    for greffon, contenu in synthese.get("rubriques", {}).items():
        if greffon == "socle" or not isinstance(contenu, dict):
            continue
        nom = partenaires.get(greffon, greffon)
        vues = vues_greffon(greffon, contenu)
        if vues:
            sortie.append(Section(f"greffon-{greffon}", f"{nom} : chiffres du partenaire", vues))
    return sortie


def vue_financeurs(socle: dict[str, Any], millesime: Any) -> Vue:
    """Financeurs ; les colonnes d'enveloppe n'apparaissent que si une enveloppe est définie."""
    financeurs = socle.get("financeurs", [])
    avec_enveloppe = any(f.get("enveloppe") is not None for f in financeurs)
    lignes, alertes = [], []
    for f in financeurs:
        ligne = [f["nom"], f["total_demande"], f["dossiers"]]
        if avec_enveloppe:
            ligne += [f.get("enveloppe"), f.get("ecart_enveloppe"), f.get("taux_enveloppe")]
        lignes.append(ligne)
        alertes.append(bool(f.get("enveloppe_depassee")))
    entetes = ["Financeur", "Total demandé", "Dossiers"]
    sortes = ["texte", "montant", "nombre"]
    if avec_enveloppe:
        entetes += [f"Enveloppe {millesime}", "Écart à l'enveloppe", "Part de l'enveloppe demandée"]
        sortes += ["montant", "montant", "ratio"]
        note = ("Écart : enveloppe moins demandes (négatif : dépassement, en rouge). Sans enveloppe "
                "définie pour le millésime, les colonnes restent vides.")
        titre_graphique = "Total demandé par financeur (trait pointillé : enveloppe)"
    else:
        note = (f"Aucune enveloppe n'est définie pour le millésime {millesime} (paramètres "
                "enveloppe_<financeur> des greffons) : les demandes ne sont comparées à rien.")
        titre_graphique = "Total demandé par financeur"
    bonus = socle.get("bonus_egalite") or {}
    if bonus.get("dossiers"):
        note += (f" Bonus égalité demandé à Valenciennes Métropole en plus : {montant(bonus['total_demande'])} "
                 f"({_pluriel(bonus['dossiers'], 'dossier')}).")
    return Vue("financeurs", "Total demandé à chaque financeur", entetes, sortes, lignes, note,
               Graphique(titre_graphique, 1, repere=3 if avec_enveloppe else None, alertes=alertes))


def vue_orientations(socle: dict[str, Any]) -> Vue:
    lignes = [[f"{o['numero']} - {o['libelle']}" if o.get("numero") is not None and "hors" not in o["libelle"]
               else o["libelle"], o["total_demande"], o["dossiers"], o["cout_total"]]
              for o in socle.get("orientations", [])]
    return Vue("orientations", "Total demandé par orientation du Contrat de Ville",
               ["Orientation", "Total demandé", "Dossiers", "Coût total des actions"],
               ["texte", "montant", "nombre", "montant"], lignes,
               "Total demandé : somme des demandes aux financeurs du Contrat de Ville.",
               Graphique("Total demandé par orientation", 1))


def vue_lieux(donnees: dict[str, Any], cle: str, entete: str, mots: tuple[str, str]) -> Vue:
    singulier, pluriel = mots
    lignes = []
    for lieu in donnees.get("lignes", []):
        nom = lieu.get("libelle", lieu["nom"])
        if lieu.get("hors_referentiel"):
            nom += " (hors référentiel)"
        lignes.append([nom, lieu["total_demande"], lieu["dossiers"], lieu.get("multi", 0)])
    multi = donnees.get("dossiers_multi", 0)
    combien = _pluriel(multi, "dossier") if multi else "aucun dossier"
    note = (f"Un dossier sur plusieurs {pluriel} compte pour chacun, avec toute sa demande : la somme "
            f"des lignes dépasse alors le total du tableau (ici {combien} sur plusieurs {pluriel}).")
    if donnees.get("dossiers_sans"):
        note += f" {_pluriel(donnees['dossiers_sans'], 'dossier')} sans {singulier} renseigné."
    titre = f"Total demandé par {singulier}"
    return Vue(cle, titre, [entete, "Total demandé", "Dossiers", f"dont sur plusieurs {pluriel}"],
               ["texte", "montant", "nombre", "nombre"], lignes, note, Graphique(titre, 1),
               vide=f"Aucun dossier avec un {singulier} renseigné.")


def vue_statuts(socle: dict[str, Any]) -> Vue:
    lignes = [[s["statut"], s["dossiers"], s["total_demande"], "Oui" if s.get("retenu") else "Non"]
              for s in socle.get("statuts", [])]
    return Vue("statuts", "Dossiers par statut", ["Statut", "Dossiers", "Total demandé", "Compté dans les montants"],
               ["texte", "nombre", "montant", "texte"], lignes,
               "Tous les dossiers du tableau, y compris ceux que les montants ne comptent pas.",
               Graphique("Nombre de dossiers par statut", 1))


def vue_marqueurs(socle: dict[str, Any]) -> Vue:
    egalite = socle.get("egalite", {})
    libelles = egalite.get("libelles", {})
    lignes = [[libelles.get(m, m), n] for m, n in egalite.get("par_marqueur", {}).items()]
    return Vue("marqueurs", "Dossiers par marqueur égalité", ["Marqueur", "Dossiers"], ["texte", "nombre"], lignes,
               "Marqueur déclaré dans le tableau. Un marqueur 0 n'est pas un motif de refus (protocole 2019).",
               Graphique("Dossiers par marqueur égalité", 1))


def vue_porteurs_zero(socle: dict[str, Any]) -> Vue:
    porteurs = socle.get("egalite", {}).get("porteurs_marqueur_0", [])
    lignes = [[p["porteur"], ", ".join(p["dossiers"]), ", ".join(str(x) for x in p["lignes"])] for p in porteurs]
    return Vue("porteurs_marqueur_0", "Porteurs au marqueur 0 (accompagnement renforcé à proposer)",
               ["Porteur", "Dossier(s)", "Ligne(s) du tableau"], ["texte", "texte", "texte"], lignes,
               vide="Aucun porteur au marqueur 0.")


def vue_constats_gravite(socle: dict[str, Any]) -> Vue:
    comptes = socle.get("constats", {})
    par_gravite = comptes.get("par_gravite", {})
    lignes = [[LIBELLES_GRAVITE.get(g, g), n] for g, n in par_gravite.items()]
    note = (f"{_pluriel(comptes.get('dossiers_bloques', 0), 'dossier')} avec au moins un constat bloquant "
            "(ne peut pas aller au comité en l'état).")
    return Vue("constats_gravite", "Constats par gravité", ["Gravité", "Constats"], ["texte", "nombre"], lignes, note,
               Graphique("Constats par gravité", 1, couleurs=[COULEURS_GRAVITE.get(g, "#2f6690") for g in par_gravite]),
               vide="Aucun constat.")


def vue_constats_partenaires(socle: dict[str, Any]) -> Vue:
    lignes = [[p["nom"], p.get("bloquant", 0), p.get("alerte", 0), p.get("info", 0), p.get("total", 0)]
              for p in socle.get("constats", {}).get("par_partenaire", [])]
    return Vue("constats_partenaires", "Constats par partenaire (auteur de la règle)",
               ["Partenaire", "Bloquants", "Alertes", "Infos", "Total"],
               ["texte", "nombre", "nombre", "nombre", "nombre"], lignes, vide="Aucun constat.")


def vue_constats_familles(socle: dict[str, Any]) -> Vue:
    lignes = [[f"{LIBELLES_FAMILLE.get(f, f)} ({f})", n]
              for f, n in socle.get("constats", {}).get("par_famille", {}).items()]
    return Vue("constats_familles", "Constats par famille de règles", ["Famille", "Constats"], ["texte", "nombre"],
               lignes, vide="Aucun constat.")


# --- rubriques des greffons -------------------------------------------------------------------

def vues_greffon(greffon: str, rubriques: dict[str, Any]) -> list[Vue]:
    """Chaque rubrique ``{titre: contenu}`` devient une ou plusieurs vues génériques.

    Les nombres d'un sous-dictionnaire prennent la sorte de sa clé : dans
    ``{"montant_par_orientation": {"1": 52000}}``, 52000 est un montant.
    """
    vues: list[Vue] = []
    for i, (titre, contenu) in enumerate(rubriques.items()):
        vues += _vues_contenu(f"{greffon}-{i}", libelle_cle(str(titre)), contenu)
    return vues


def _est_table(x: Any) -> bool:
    return isinstance(x, list) and bool(x) and all(isinstance(e, dict) for e in x)


def _simple(v: Any) -> bool:
    """Un nombre, un texte, ou une liste de valeurs simples (écrite en une cellule)."""
    if isinstance(v, list):
        return all(not isinstance(e, dict | list) for e in v)
    return not isinstance(v, dict)


def _vues_contenu(cle: str, titre: str, contenu: Any, heritee: str = "nombre") -> list[Vue]:
    if _est_table(contenu):
        return [_vue_table(cle, titre, contenu, "")]
    if not isinstance(contenu, dict):
        return [_vue_indicateurs(cle, titre, {titre: contenu}, "", heritee)]
    note = str(contenu.get("note", "")) if not isinstance(contenu.get("note"), dict | list) else ""
    simples = {k: v for k, v in contenu.items() if k != "note" and _simple(v)}
    vues = [_vue_indicateurs(cle, titre, simples, note, heritee)] if simples else []
    for j, (k, v) in enumerate((k, v) for k, v in contenu.items() if k not in simples and k != "note"):
        sous = f"{titre} — {libelle_cle(str(k))}"
        if _est_table(v):
            vues.append(_vue_table(f"{cle}-{j}", sous, v, ""))
        elif isinstance(v, dict):
            sorte = sorte_de_cle(str(k))
            vues += _vues_contenu(f"{cle}-{j}", sous, v, heritee if sorte == "nombre" else sorte)
    if vues and note and not simples:
        vues[0].note = note
    return vues


def _vue_indicateurs(cle: str, titre: str, valeurs: dict[str, Any], note: str, heritee: str = "nombre") -> Vue:
    lignes, sortes = [], {}
    for i, (k, v) in enumerate(valeurs.items()):
        # Une liste de valeurs tient dans une cellule : « a, b » (« aucun » si elle est vide).
        lignes.append([libelle_cle(str(k)), valeur_lisible(str(k), v) if isinstance(v, list) else v])
        sorte = _sorte_valeur(str(k), v)
        sortes[(i, 1)] = heritee if sorte == "nombre" else sorte
    return Vue(cle, titre, ["Indicateur", "Valeur"], ["texte", "texte"], lignes, note, sortes_cellules=sortes)


def _vue_table(cle: str, titre: str, lignes_dict: list[dict[str, Any]], note: str) -> Vue:
    cles: list[str] = []
    for ligne in lignes_dict:
        cles += [str(k) for k in ligne if str(k) not in cles]
    sortes = [_sorte_colonne(k, [ligne.get(k) for ligne in lignes_dict]) for k in cles]
    lignes = [[_cellule(ligne.get(k)) for k in cles] for ligne in lignes_dict]
    graphique = None
    if len(cles) > 1 and sortes[0] == "texte" and "montant" in sortes[1:]:
        # Une table « libellé → montants » se lit mieux en barres : la première colonne de montants.
        valeur = sortes.index("montant", 1)
        graphique = Graphique(f"{titre} : {libelle_cle(cles[valeur]).lower()}", valeur)
    return Vue(cle, titre, [libelle_cle(k) for k in cles], sortes, lignes, note, graphique)


def _cellule(v: Any) -> Any:
    if isinstance(v, dict | list):
        return ", ".join(str(e) for e in (v.values() if isinstance(v, dict) else v))
    return v


def _sorte_valeur(cle: str, v: Any) -> str:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return "texte"
    return sorte_de_cle(cle)


def _sorte_colonne(cle: str, valeurs: list[Any]) -> str:
    nombres = [v for v in valeurs if v is not None]
    if nombres and all(isinstance(v, int | float) and not isinstance(v, bool) for v in nombres):
        return sorte_de_cle(cle)
    return "texte"
