"""The whole demo seed, from an empty database, gives every client their history.

A module of its own: test_demo.py keeps a demo clinic without history for all of its tests, and
there the seed would find the clinic already made.
"""

from alliance import demo
from alliance.care.models import Session
from alliance.measures.demo import STORIES, WEEKS
from alliance.measures.models import Response


def test_it_seeds_the_demo_clinic_with_its_history(db):
    clinic = demo.seed()
    # The five current clients' six months (the clinic's earlier clients come on top).
    current = [story.email for story in STORIES]
    assert Session.objects.filter(client__user__email__in=current).count() == 5 * WEEKS
    assert Response.objects.filter(client__clinic=clinic).count() > 300
