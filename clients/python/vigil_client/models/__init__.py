"""Contains all the data models used in inputs/outputs"""

from .action_enum import ActionEnum
from .add_feedback_request import AddFeedbackRequest
from .added import Added
from .alert import Alert
from .alert_bulk_request import AlertBulkRequest
from .alert_bulk_result import AlertBulkResult
from .alert_rule import AlertRule
from .alert_rule_request import AlertRuleRequest
from .analyses_results_retrieve_response_200 import AnalysesResultsRetrieveResponse200
from .analysis import Analysis
from .analysis_create_request import AnalysisCreateRequest
from .analysis_create_request_fusion_weights import AnalysisCreateRequestFusionWeights
from .analysis_status_enum import AnalysisStatusEnum
from .blank_enum import BlankEnum
from .camera import Camera
from .camera_incident import CameraIncident
from .camera_label_thresholds import CameraLabelThresholds
from .camera_lease import CameraLease
from .camera_probe import CameraProbe
from .camera_request import CameraRequest
from .camera_request_label_thresholds import CameraRequestLabelThresholds
from .camera_request_schedule_item import CameraRequestScheduleItem
from .camera_schedule_item import CameraScheduleItem
from .camera_state_enum import CameraStateEnum
from .camera_status import CameraStatus
from .channel_enum import ChannelEnum
from .clip_create_request import ClipCreateRequest
from .dataset import Dataset
from .dataset_clip import DatasetClip
from .dataset_clips_list_split import DatasetClipsListSplit
from .dataset_detail import DatasetDetail
from .dataset_import import DatasetImport
from .dataset_request import DatasetRequest
from .delivery import Delivery
from .delivery_status_enum import DeliveryStatusEnum
from .error import Error
from .error_fields import ErrorFields
from .evaluation import Evaluation
from .evaluation_request import EvaluationRequest
from .event import Event
from .feedback import Feedback
from .feedback_create_request import FeedbackCreateRequest
from .flow_method_enum import FlowMethodEnum
from .import_kind_enum import ImportKindEnum
from .import_request import ImportRequest
from .label_counts import LabelCounts
from .me import Me
from .modalities_enum import ModalitiesEnum
from .model_version import ModelVersion
from .model_version_import_request import ModelVersionImportRequest
from .ops_retrieve_response_200 import OpsRetrieveResponse200
from .origin_enum import OriginEnum
from .paginated_alert_list import PaginatedAlertList
from .paginated_alert_rule_list import PaginatedAlertRuleList
from .paginated_analysis_list import PaginatedAnalysisList
from .paginated_camera_incident_list import PaginatedCameraIncidentList
from .paginated_camera_lease_list import PaginatedCameraLeaseList
from .paginated_camera_list import PaginatedCameraList
from .paginated_dataset_clip_list import PaginatedDatasetClipList
from .paginated_dataset_import_list import PaginatedDatasetImportList
from .paginated_dataset_list import PaginatedDatasetList
from .paginated_delivery_list import PaginatedDeliveryList
from .paginated_evaluation_list import PaginatedEvaluationList
from .paginated_feedback_list import PaginatedFeedbackList
from .paginated_model_version_list import PaginatedModelVersionList
from .paginated_segment_list import PaginatedSegmentList
from .paginated_training_run_list import PaginatedTrainingRunList
from .paginated_video_list import PaginatedVideoList
from .paginated_webhook_list import PaginatedWebhookList
from .patched_alert_rule_request import PatchedAlertRuleRequest
from .patched_camera_request import PatchedCameraRequest
from .patched_camera_request_label_thresholds import PatchedCameraRequestLabelThresholds
from .patched_camera_request_schedule_item import PatchedCameraRequestScheduleItem
from .patched_clip_update_request import PatchedClipUpdateRequest
from .patched_dataset_request import PatchedDatasetRequest
from .patched_webhook_request import PatchedWebhookRequest
from .probe_request_request import ProbeRequestRequest
from .problem import Problem
from .progress import Progress
from .queued import Queued
from .rescore_request import RescoreRequest
from .rescore_result import RescoreResult
from .resplit_request import ResplitRequest
from .segment import Segment
from .segment_change import SegmentChange
from .segment_scores import SegmentScores
from .split_enum import SplitEnum
from .stats import Stats
from .stats_totals import StatsTotals
from .target import Target
from .target_kind_enum import TargetKindEnum
from .training_run import TrainingRun
from .training_run_start_request import TrainingRunStartRequest
from .training_run_start_request_settings import TrainingRunStartRequestSettings
from .training_runs_defaults_retrieve_response_200 import TrainingRunsDefaultsRetrieveResponse200
from .verdict_enum import VerdictEnum
from .video import Video
from .video_create_request import VideoCreateRequest
from .video_create_request_fusion_weights import VideoCreateRequestFusionWeights
from .video_created import VideoCreated
from .videos_list_status import VideosListStatus
from .webhook import Webhook
from .webhook_request import WebhookRequest

__all__ = (
    "ActionEnum",
    "Added",
    "AddFeedbackRequest",
    "Alert",
    "AlertBulkRequest",
    "AlertBulkResult",
    "AlertRule",
    "AlertRuleRequest",
    "AnalysesResultsRetrieveResponse200",
    "Analysis",
    "AnalysisCreateRequest",
    "AnalysisCreateRequestFusionWeights",
    "AnalysisStatusEnum",
    "BlankEnum",
    "Camera",
    "CameraIncident",
    "CameraLabelThresholds",
    "CameraLease",
    "CameraProbe",
    "CameraRequest",
    "CameraRequestLabelThresholds",
    "CameraRequestScheduleItem",
    "CameraScheduleItem",
    "CameraStateEnum",
    "CameraStatus",
    "ChannelEnum",
    "ClipCreateRequest",
    "Dataset",
    "DatasetClip",
    "DatasetClipsListSplit",
    "DatasetDetail",
    "DatasetImport",
    "DatasetRequest",
    "Delivery",
    "DeliveryStatusEnum",
    "Error",
    "ErrorFields",
    "Evaluation",
    "EvaluationRequest",
    "Event",
    "Feedback",
    "FeedbackCreateRequest",
    "FlowMethodEnum",
    "ImportKindEnum",
    "ImportRequest",
    "LabelCounts",
    "Me",
    "ModalitiesEnum",
    "ModelVersion",
    "ModelVersionImportRequest",
    "OpsRetrieveResponse200",
    "OriginEnum",
    "PaginatedAlertList",
    "PaginatedAlertRuleList",
    "PaginatedAnalysisList",
    "PaginatedCameraIncidentList",
    "PaginatedCameraLeaseList",
    "PaginatedCameraList",
    "PaginatedDatasetClipList",
    "PaginatedDatasetImportList",
    "PaginatedDatasetList",
    "PaginatedDeliveryList",
    "PaginatedEvaluationList",
    "PaginatedFeedbackList",
    "PaginatedModelVersionList",
    "PaginatedSegmentList",
    "PaginatedTrainingRunList",
    "PaginatedVideoList",
    "PaginatedWebhookList",
    "PatchedAlertRuleRequest",
    "PatchedCameraRequest",
    "PatchedCameraRequestLabelThresholds",
    "PatchedCameraRequestScheduleItem",
    "PatchedClipUpdateRequest",
    "PatchedDatasetRequest",
    "PatchedWebhookRequest",
    "ProbeRequestRequest",
    "Problem",
    "Progress",
    "Queued",
    "RescoreRequest",
    "RescoreResult",
    "ResplitRequest",
    "Segment",
    "SegmentChange",
    "SegmentScores",
    "SplitEnum",
    "Stats",
    "StatsTotals",
    "Target",
    "TargetKindEnum",
    "TrainingRun",
    "TrainingRunsDefaultsRetrieveResponse200",
    "TrainingRunStartRequest",
    "TrainingRunStartRequestSettings",
    "VerdictEnum",
    "Video",
    "VideoCreated",
    "VideoCreateRequest",
    "VideoCreateRequestFusionWeights",
    "VideosListStatus",
    "Webhook",
    "WebhookRequest",
)
