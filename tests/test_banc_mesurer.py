"""Le banc d'essai (``benchmarks/mesurer.py``) survit aux changements du code qu'il profile.

Le profil par étape retrouve chaque étape par sa fonction (« module:nom ») ; une fonction
renommée ou déplacée est dite « introuvable » dans RESULTATS.md au lieu d'arrêter la mesure.
Rien n'est chronométré ici.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import mesurer  # module du banc d'essai (benchmarks/), pas un paquet
import profiler


def test_une_etape_se_retrouve_par_sa_fonction_meme_reexportee_ou_methode():
    fichier, ligne, nom = profiler.repere("cdv_regles.verification:preparer")
    assert fichier.endswith("verification.py") and nom == "preparer" and ligne > 0
    # lire_table est réexportée par le paquet lecture : c'est la fonction elle-même qui compte.
    assert profiler.repere("cdv_regles.lecture:lire_table")[2] == "lire_table"
    assert profiler.repere("cdv_regles.greffons:Greffons.appeler")[2] == "appeler"


def test_une_etape_disparue_est_dite_introuvable_sans_arreter_la_mesure():
    assert profiler.repere("cdv_regles.moteur:fonction_disparue") is None
    assert profiler.repere("cdv_regles.module_disparu:evaluer") is None
    assert profiler.repere("cdv_regles.greffons:Greffons") is None  # une classe n'est pas une fonction
    cumul = {("/x/cdv_regles/moteur.py", 171, "evaluer"): 2.5, ("/x/greffon_etat.py", 10, "cdv_regles_controles"): 0.5,
             ("/x/cdv_regles/hookspecs.py", 85, "cdv_regles_controles"): 0.1}
    assert mesurer._duree_etape(cumul, "cdv_regles.moteur:evaluer", ["/x/cdv_regles/moteur.py", 171, "evaluer"]) == 2.5
    assert mesurer._duree_etape(cumul, "cdv_regles.moteur:evaluer", None) is None  # introuvable
    assert mesurer._duree_etape(cumul, "cdv_regles.moteur:cadre", ["/x/cdv_regles/moteur.py", 80, "cadre"]) == 0.0
    # « *:nom » : les hooks des greffons, pas leur déclaration.
    assert mesurer._duree_etape(cumul, "*:cdv_regles_controles", None) == 0.5


def test_le_cout_par_dossier_est_dit_plat_ou_non_d_apres_le_marginal():
    def courbe(temps: dict[int, float]) -> mesurer.Croissance:
        points = []
        for taille, t in temps.items():
            m = mesurer.Mesure(f"verifier-{taille}-csv", "", [], "", 1)
            m.temps, m.statuts = [t], [1]
            points.append((taille, m))
        return mesurer.Croissance("csv", points)

    # Démarrage 0,5 s, puis 0,05 s par 1 000 dossiers : plat.
    lineaire = courbe({1_000: 0.55, 10_000: 1.0, 50_000: 3.0, 100_000: 5.5})
    assert round(lineaire.marginal(10_000), 3) == round(lineaire.marginal(100_000), 3) == 0.05
    assert lineaire.plat() is True
    # Quadratique : le marginal à 100 000 est dix fois celui à 10 000.
    quadratique = courbe({1_000: 0.5, 10_000: 0.6, 50_000: 3.0, 100_000: 10.5})
    assert quadratique.rapport() > mesurer.PLAT_MAX and quadratique.plat() is False


def test_les_planchers_sont_places_a_cote_des_cibles_de_temps():
    def mesure(cle: str, t: float, statut: int = 0) -> mesurer.Mesure:
        m = mesurer.Mesure(cle, cle, [], "", 1)
        m.temps, m.statuts = [t], [statut]
        return m

    principales = [mesure(mesurer.PLANCHER_PYTHON, 0.03), mesure(mesurer.PLANCHER_POLARS, 0.44),
                   mesure(f"verifier-{mesurer.PETIT}-xlsx", 0.66, 1),
                   mesure(mesurer.PLANCHER_CALAMINE, 2.4), mesure(f"verifier-{mesurer.GRAND}-partage-xlsx", 7.8, 1)]
    texte = "\n".join(mesurer.planchers(principales))
    assert "Python et `import polars` : 0,44 s | 88 % | 0,06 s | 0,66 s | 0,22 s |" in texte
    assert "calamine seul lit la feuille : 2,40 s | 80 % | 0,60 s | 7,80 s | 5,40 s |" in texte
    assert "démarrer Python (0,03 s)" in texte
    assert "CSV" not in texte.split("| Cible |", 1)[1]  # pas de mesure CSV : pas de ligne
    # Un plancher en échec ne donne pas de ligne ; sans aucune ligne, pas de section.
    principales[1].statuts = [2]
    assert "import polars" not in "\n".join(mesurer.planchers(principales))
    assert mesurer.planchers(principales[:3]) == []
