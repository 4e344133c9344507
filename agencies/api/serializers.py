from rest_framework import serializers

from ..models import Employer, FieldRecruiter


class EmployerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Employer
        fields = ["id", "name", "country", "sector", "registration_number", "blacklisted"]
        read_only_fields = fields


class FieldRecruiterSerializer(serializers.ModelSerializer):
    class Meta:
        model = FieldRecruiter
        fields = ["id", "full_name", "phone", "village", "registered_on"]
        read_only_fields = fields
