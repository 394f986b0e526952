from ninja import NinjaAPI

api = NinjaAPI(title="danchu API", version="1", urls_namespace="api")
