app_name = "ties_public"
urlpatterns: list = []
