"""The routines app's addresses, all in the "routines" namespace: the library's, then the
builder's."""

from routines.builder import urls as builder
from routines.library import urls as library

app_name = "routines"

urlpatterns = [*library.urlpatterns, *builder.urlpatterns]
