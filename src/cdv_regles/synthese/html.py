"""Le rapport HTML autonome : un seul fichier, CSS et graphiques SVG embarqués, aucun accès
réseau (ni police, ni script, ni image externe), imprimable sur A4."""

from __future__ import annotations

import datetime as dt
from html import escape as _escape_html
from typing import Any

from cdv_regles.affichage import visible
from cdv_regles.constats import GRAVITES, RANG_GRAVITE
from cdv_regles.synthese import svg
from cdv_regles.synthese.format import date_fr, montant, nombre, pourcentage
from cdv_regles.synthese.vues import COULEURS_GRAVITE, LIBELLES_GRAVITE, Section, Vue, sections


def escape(texte: object) -> str:
    """Texte sûr en HTML : caractères spéciaux échappés, caractères de contrôle montrés (␛…)."""
    return _escape_html(visible(texte, sauts=True))


CSS = """
:root { --encre: #1b1b1b; --doux: #5f6368; --trait: #d0d4d9; --fond: #f4f6f8; --accent: #2f6690; }
* { box-sizing: border-box; }
body { font-family: "Segoe UI", Arial, Helvetica, sans-serif; color: var(--encre); margin: 0 auto;
       max-width: 1120px; padding: 24px 32px; font-size: 14px; line-height: 1.45; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--accent); }
h3 { font-size: 16px; margin: 20px 0 6px; }
p.meta, p.note, p.intro { color: var(--doux); margin: 4px 0 8px; }
nav ol { columns: 2; margin: 8px 0 0; padding-left: 20px; }
nav a { color: var(--accent); }
.cartes { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.carte { flex: 1 1 160px; background: var(--fond); border-radius: 6px; padding: 10px 14px; }
.carte .valeur { font-size: 22px; font-weight: 600; display: block; }
.carte .etiquette { color: var(--doux); }
.defauts { border: 2px solid #b3261e; background: #fdecea; padding: 8px 14px; border-radius: 6px; }
table { border-collapse: collapse; min-width: 60%; margin: 6px 0 4px; }
table.constats { width: 100%; }
th, td { border-bottom: 1px solid var(--trait); padding: 4px 12px; text-align: left; vertical-align: top; }
th { background: var(--fond); font-weight: 600; }
td.n, th.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.regle { white-space: nowrap; font-size: 12px; }
small { color: var(--doux); }
tr.depasse td { color: #b3261e; font-weight: 600; }
figure { margin: 10px 0 4px; }
svg.graphique { max-width: 100%; height: auto; }
.gravite { display: inline-block; padding: 1px 8px; border-radius: 10px; color: #fff; font-size: 12px; }
tbody.dossier th { background: #e8edf2; }
td.message { width: 62%; }
footer { margin-top: 36px; color: var(--doux); font-size: 12px; }
@page { size: A4; margin: 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  nav { display: none; }
  h2, h3 { break-after: avoid; }
  figure, .vue-courte, tr, .cartes { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


def cellule(valeur: Any, sorte: str) -> str:
    """Une cellule ``<td>`` : montants « 12 500 € », nombres et parts alignés à droite."""
    if valeur is None or valeur == "":
        return '<td class="n">—</td>' if sorte != "texte" else "<td></td>"
    if sorte == "montant" and isinstance(valeur, int | float):
        return f'<td class="n">{escape(montant(valeur))}</td>'
    if sorte == "nombre" and isinstance(valeur, int | float):
        return f'<td class="n">{escape(nombre(valeur))}</td>'
    if sorte in ("part", "ratio") and isinstance(valeur, int | float):
        return f'<td class="n">{escape(pourcentage(valeur, ratio=sorte == "ratio"))}</td>'
    if isinstance(valeur, bool):
        return f"<td>{'Oui' if valeur else 'Non'}</td>"
    return f"<td>{escape(str(valeur))}</td>"


def _graphique(vue: Vue) -> str:
    g = vue.graphique
    if g is None or not vue.lignes:
        return ""
    ecrire = montant if vue.sortes[g.valeur] == "montant" else nombre
    barres = []
    for i, ligne in enumerate(vue.lignes):
        repere = ligne[g.repere] if g.repere is not None else None
        barres.append(svg.Barre(
            str(ligne[0]), float(ligne[g.valeur] or 0),
            repere=float(repere) if isinstance(repere, int | float) else None,
            alerte=bool(g.alertes and g.alertes[i]),
            couleur=g.couleurs[i] if g.couleurs else None))
    dessin = svg.barres(g.titre, barres, ecrire)
    return f'<figure aria-label="{escape(g.titre)}">{dessin}</figure>' if dessin else ""


def rendre_vue(vue: Vue) -> str:
    morceaux = [f'<div class="vue" id="vue-{escape(vue.cle)}"><h3>{escape(vue.titre)}</h3>', _graphique(vue)]
    if not vue.lignes:
        morceaux.append(f'<p class="note">{escape(vue.vide)}</p>')
    else:
        chiffres = [all(vue.sorte(i, j) != "texte" for i in range(len(vue.lignes))) for j in range(len(vue.entetes))]
        entetes = "".join(f'<th class="n">{escape(e)}</th>' if n else f"<th>{escape(e)}</th>"
                          for e, n in zip(vue.entetes, chiffres, strict=True))
        corps = []
        alertes = vue.graphique.alertes if vue.graphique else None
        for i, ligne in enumerate(vue.lignes):
            classe = ' class="depasse"' if alertes and alertes[i] else ""
            corps.append(f"<tr{classe}>" + "".join(cellule(v, vue.sorte(i, j)) for j, v in enumerate(ligne))
                         + "</tr>")
        morceaux.append(f"<table><thead><tr>{entetes}</tr></thead><tbody>{''.join(corps)}</tbody></table>")
    if vue.note:
        morceaux.append(f'<p class="note">{escape(vue.note)}</p>')
    morceaux.append("</div>")
    return "".join(morceaux)


def rendre_section(section: Section) -> str:
    intro = f'<p class="intro">{escape(section.intro)}</p>' if section.intro else ""
    vues = "".join(rendre_vue(v) for v in section.vues)
    return f'<section id="{escape(section.cle)}"><h2>{escape(section.titre)}</h2>{intro}{vues}</section>'


def _cartes(synthese: dict[str, Any]) -> str:
    socle = synthese.get("rubriques", {}).get("socle") or {}
    perimetre = socle.get("perimetre", {})
    comptes = socle.get("constats", {})
    par_gravite = comptes.get("par_gravite", {})
    cartes = [
        (nombre(synthese.get("dossiers", 0)),
         f"dossiers dans le tableau, dont {nombre(perimetre.get('dossiers_retenus', 0))} comptés dans les montants"),
        (montant(perimetre.get("total_demande", 0)), "demandés aux financeurs du Contrat de Ville"),
        (montant(perimetre.get("cout_total", 0)), "de coût total des actions"),
        (nombre(comptes.get("dossiers_bloques", 0)), "dossiers avec un constat bloquant"),
        (" · ".join(nombre(par_gravite.get(g, 0)) for g in GRAVITES), "constats bloquants · alertes · infos"),
    ]
    return '<div class="cartes">' + "".join(
        f'<div class="carte"><span class="valeur">{escape(v)}</span><span class="etiquette">{escape(e)}</span></div>'
        for v, e in cartes) + "</div>"


def _constat_dict(c: Any) -> dict[str, Any]:
    return c.vers_dict() if hasattr(c, "vers_dict") else dict(c)


def rendre_constats(constats: list[Any], partenaires: dict[str, str], porteurs: dict[str, str]) -> str:
    """La liste des constats, par gravité puis par dossier (le tableau entier d'abord)."""
    if not constats:
        return ('<section id="constats"><h2>Liste des constats</h2>'
                '<p class="note">Aucun constat : le tableau respecte toutes les règles.</p></section>')
    items = sorted((_constat_dict(c) for c in constats),
                   key=lambda c: (RANG_GRAVITE.get(c["gravite"], 9), c["ligne"] or 0, c["dossier"], c["regle"]))
    morceaux = ['<section id="constats"><h2>Liste des constats</h2>']
    for gravite in GRAVITES:
        du_rang = [c for c in items if c["gravite"] == gravite]
        if not du_rang:
            continue
        couleur = COULEURS_GRAVITE[gravite]
        morceaux.append(f'<h3><span class="gravite" style="background:{couleur}">{LIBELLES_GRAVITE[gravite]}</span> '
                        f"{nombre(len(du_rang))} constat{'s' if len(du_rang) > 1 else ''}</h3>")
        morceaux.append('<table class="constats"><thead><tr><th>Règle</th><th>Partenaire</th>'
                        "<th>Message</th></tr></thead>")
        groupe: tuple[str, Any] | None = None
        for c in du_rang:
            cle = (c["dossier"], c["ligne"])
            if cle != groupe:
                if groupe is not None:
                    morceaux.append("</tbody>")
                groupe = cle
                morceaux.append(f'<tbody class="dossier"><tr><th colspan="3">{escape(_titre_dossier(c, porteurs))}'
                                "</th></tr>")
            colonnes = ", ".join(c.get("colonnes") or [])
            colonnes = f"<br><small>Colonne(s) : {escape(colonnes)}</small>" if colonnes else ""
            morceaux.append(
                f'<tr><td class="regle">{escape(c["regle"])}<br><small>{escape(c["famille"])}</small></td>'
                f"<td>{escape(partenaires.get(c['partenaire'], c['partenaire']))}</td>"
                f'<td class="message">{escape(c["message"])}{colonnes}</td></tr>')
        morceaux.append("</tbody></table>")
    morceaux.append("</section>")
    return "".join(morceaux)


def _titre_dossier(c: dict[str, Any], porteurs: dict[str, str]) -> str:
    if c["ligne"] is None:
        return "Tableau entier"
    titre = f"Dossier {c['dossier']} · ligne {c['ligne']}" if c["dossier"] else f"Ligne {c['ligne']}"
    porteur = porteurs.get(c["dossier"])
    return f"{titre} · {porteur}" if porteur else titre


def rendre_html(synthese: dict[str, Any], constats: list[Any], *, porteurs: dict[str, str] | None = None,
                produit_le: dt.datetime | None = None) -> str:
    """Le rapport complet : chiffres clés, sections et graphiques, puis la liste des constats."""
    millesime = synthese.get("millesime", "")
    titre = f"Programmation {millesime} du Contrat de Ville : synthèse pour le comité"
    secs = sections(synthese)
    produit = f" · rapport produit le {produit_le.strftime('%d/%m/%Y à %H:%M')}" if produit_le else ""
    meta = (f"Fichier {synthese.get('fichier', '')} · date de référence des échéances "
            f"{date_fr(synthese.get('date_reference'))} · règles {synthese.get('version_regles', '')}{produit}")
    defauts = synthese.get("defauts_greffons") or []
    bloc_defauts = ""
    if defauts:
        bloc_defauts = ('<div class="defauts"><strong>Greffons en défaut : leurs règles ou leurs chiffres '
                        "manquent dans ce rapport.</strong><ul>"
                        + "".join(f"<li>{escape(d)}</li>" for d in defauts) + "</ul></div>")
    sommaire = "".join(f'<li><a href="#{escape(s.cle)}">{escape(s.titre)}</a></li>' for s in secs)
    sommaire += '<li><a href="#constats">Liste des constats</a></li>'
    corps = "".join(rendre_section(s) for s in secs)
    liste = rendre_constats(constats, synthese.get("partenaires", {}), porteurs or {})
    return (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(titre)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>{escape(titre)}</h1><p class=\"meta\">{escape(meta)}</p></header>"
        f"{bloc_defauts}{_cartes(synthese)}<nav><strong>Sommaire</strong><ol>{sommaire}</ol></nav>"
        f"{corps}{liste}"
        "<footer>Produit par cdv-regles. Montants en euros ; les chiffres portent sur le tableau tel "
        "qu'il a été lu, constats compris.</footer></body></html>\n"
    )
