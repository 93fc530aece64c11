"""The routines app's addresses, all in the "routines" namespace: the library's, the
builder's, then the steps' progression."""

from routines.builder import urls as builder
from routines.library import urls as library
from routines.progression import urls as progression

app_name = "routines"

urlpatterns = [*library.urlpatterns, *builder.urlpatterns, *progression.urlpatterns]
