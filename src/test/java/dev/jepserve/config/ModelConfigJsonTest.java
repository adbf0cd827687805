package dev.jepserve.config;

import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelConfigJsonTest {
    /** The normalized add_sub config from the reference (§3.2), written out field by field. */
    static final String ADD_SUB_NORMALIZED_PBTXT = """
            name: "add_sub"
            backend: "python"
            version_policy { latest { num_versions: 1 } }
            input { name: "INPUT0" data_type: TYPE_FP32 dims: [ 4 ] }
            output { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 4 ] }
            optimization {
              input_pinned_memory { enable: true }
              output_pinned_memory { enable: true }
            }
            instance_group { name: "add_sub_0" kind: KIND_CPU count: 1 }
            default_model_filename: "model.py"
            """;

    /** Triton's GET /config answer for add_sub (reference §3.2), joined into one line. */
    static final String ADD_SUB_JSON = "{\"name\":\"add_sub\",\"platform\":\"\",\"backend\":\"python\",\"runtime\":\"\","
            + "\"version_policy\":{\"latest\":{\"num_versions\":1}},\"max_batch_size\":0,"
            + "\"input\":[{\"name\":\"INPUT0\",\"data_type\":\"TYPE_FP32\",\"format\":\"FORMAT_NONE\",\"dims\":[4],"
            + "\"is_shape_tensor\":false,\"allow_ragged_batch\":false,\"optional\":false,\"is_non_linear_format_io\":false}],"
            + "\"output\":[{\"name\":\"OUTPUT0\",\"data_type\":\"TYPE_FP32\",\"dims\":[4],\"label_filename\":\"\","
            + "\"is_shape_tensor\":false,\"is_non_linear_format_io\":false}],"
            + "\"batch_input\":[],\"batch_output\":[],"
            + "\"optimization\":{\"priority\":\"PRIORITY_DEFAULT\",\"input_pinned_memory\":{\"enable\":true},"
            + "\"output_pinned_memory\":{\"enable\":true},\"gather_kernel_buffer_threshold\":0,\"eager_batching\":false},"
            + "\"instance_group\":[{\"name\":\"add_sub_0\",\"kind\":\"KIND_CPU\",\"count\":1,\"gpus\":[],\"secondary_devices\":[],"
            + "\"profile\":[],\"passive\":false,\"host_policy\":\"\"}],"
            + "\"default_model_filename\":\"model.py\",\"cc_model_filenames\":{},\"metric_tags\":{},\"parameters\":{},"
            + "\"model_warmup\":[]}";

    private static ModelConfig parse(String pbtxt) {
        return ModelConfigs.parsePbtxt(pbtxt, "test.pbtxt");
    }

    @Test
    void rendersTheReferenceExampleByteForByte() {
        assertThat(ModelConfigJson.toJson(parse(ADD_SUB_NORMALIZED_PBTXT))).isEqualTo(ADD_SUB_JSON);
    }

    @Test
    void emptyConfigRendersAsEmptyBody() {
        assertThat(ModelConfigJson.toJson(ModelConfig.getDefaultInstance())).isEmpty();
    }

    @Test
    void dynamicBatchingRendersAfterOptimizationWithNumericUint64s() {
        String json = ModelConfigJson.toJson(parse("""
                name: "m"
                max_batch_size: 8
                optimization { priority: PRIORITY_MAX }
                dynamic_batching { preferred_batch_size: [ 8 ] max_queue_delay_microseconds: 100 }
                """));

        assertThat(json).contains("\"optimization\":{\"priority\":\"PRIORITY_MAX\",\"gather_kernel_buffer_threshold\":0,"
                + "\"eager_batching\":false},\"dynamic_batching\":{\"preferred_batch_size\":[8],"
                + "\"max_queue_delay_microseconds\":100,\"preserve_ordering\":false,\"priority_levels\":0,"
                + "\"default_priority_level\":0,\"priority_queue_policy\":{}},\"instance_group\":[]");
    }

    @Test
    void noSchedulerKeysWhenNotConfigured() {
        String json = ModelConfigJson.toJson(parse("name: \"m\""));

        assertThat(json).doesNotContain("dynamic_batching", "sequence_batching", "ensemble_scheduling",
                "model_transaction_policy", "response_cache", "version_policy", "optimization");
    }

    @Test
    void sequenceBatchingPutsTheStrategyFirst() {
        String json = ModelConfigJson.toJson(parse("""
                sequence_batching { max_sequence_idle_microseconds: 1000000 direct { } }
                """));

        assertThat(json).contains("\"sequence_batching\":{\"direct\":{\"max_queue_delay_microseconds\":0,"
                + "\"minimum_slot_utilization\":0},\"max_sequence_idle_microseconds\":1000000,\"control_input\":[],"
                + "\"state\":[],\"iterative_sequence\":false}");
    }

    @Test
    void decoupledPolicyParametersAndMapsRender() {
        String json = ModelConfigJson.toJson(parse("""
                parameters { key: "b" value { string_value: "2" } }
                parameters { key: "a" value { string_value: "1" } }
                model_transaction_policy { decoupled: true }
                """));

        assertThat(json).contains("\"parameters\":{\"a\":{\"string_value\":\"1\"},\"b\":{\"string_value\":\"2\"}},"
                + "\"model_warmup\":[],\"model_transaction_policy\":{\"decoupled\":true}}");
    }

    @Test
    void int64sTritonLeavesAloneStayStrings() {
        String json = ModelConfigJson.toJson(parse("""
                instance_group { secondary_devices { device_id: 3 } }
                sequence_batching {
                  state { input_name: "I" dims: [ 2 ] initial_state { dims: [ 5 ] zero_data: true } }
                }
                """));

        assertThat(json).contains("\"device_id\":\"3\"");
        assertThat(json).contains("\"dims\":[2],\"initial_state\":[{\"data_type\":\"TYPE_INVALID\",\"dims\":[\"5\"],"
                + "\"zero_data\":true,\"name\":\"\"}]");
    }

    @Test
    void priorityQueuePolicyKeysAreStringsAndTimeoutsNumbers() {
        String json = ModelConfigJson.toJson(parse("""
                dynamic_batching {
                  priority_levels: 2
                  default_priority_level: 1
                  priority_queue_policy { key: 2 value { default_timeout_microseconds: 7 } }
                  priority_queue_policy { key: 1 value { timeout_action: DELAY } }
                }
                """));

        assertThat(json).contains("\"priority_queue_policy\":{\"1\":{\"timeout_action\":\"DELAY\","
                + "\"default_timeout_microseconds\":0,\"allow_timeout_override\":false,\"max_queue_size\":0},"
                + "\"2\":{\"timeout_action\":\"REJECT\",\"default_timeout_microseconds\":7,");
    }

    @Test
    void warmupDimsAndSpecificVersionsAreNumbers() {
        String json = ModelConfigJson.toJson(parse("""
                version_policy { specific { versions: [ 1, 3 ] } }
                model_warmup { name: "w" batch_size: 1 inputs { key: "X" value { data_type: TYPE_FP32 dims: [ 4 ] random_data: true } } }
                """));

        assertThat(json).contains("\"version_policy\":{\"specific\":{\"versions\":[1,3]}}");
        assertThat(json).contains("\"model_warmup\":[{\"name\":\"w\",\"batch_size\":1,\"inputs\":{\"X\":{\"data_type\":"
                + "\"TYPE_FP32\",\"dims\":[4],\"random_data\":true}},\"count\":0}]");
    }

    @Test
    void stringsAreEscapedLikeRapidJson() {
        String json = ModelConfigJson.toJson(parse("name: \"a\\\"b\\\\c\\n\\001/é\""));

        assertThat(json).startsWith("{\"name\":\"a\\\"b\\\\c\\n\\u0001/é\",");
    }

    @Test
    void fromJsonReadsWhatToJsonWrites() {
        ModelConfig config = parse(ADD_SUB_NORMALIZED_PBTXT + """
                max_batch_size: 4
                dynamic_batching { preferred_batch_size: [ 2, 4 ] max_queue_delay_microseconds: 50 }
                parameters { key: "k" value { string_value: "v" } }
                model_transaction_policy { decoupled: true }
                """);

        assertThat(ModelConfigJson.fromJson(ModelConfigJson.toJson(config))).isEqualTo(config);
    }

    @Test
    void fromJsonReadsBackEveryKindOfFieldToJsonWrites() {
        ModelConfig config = parse("""
                name: "sink" backend: "python" max_batch_size: 4
                version_policy { specific { versions: [ 2, 3 ] } }
                input { name: "X" data_type: TYPE_FP32 dims: [ -1 ] reshape { shape: [ -1 ] } }
                instance_group { name: "g" kind: KIND_MODEL count: 2 secondary_devices { device_id: 7 }
                                 rate_limiter { resources { name: "r" global: true count: 1 } priority: 2 } }
                sequence_batching {
                  oldest { max_candidate_sequences: 3 preferred_batch_size: [ 2 ] max_queue_delay_microseconds: 9 }
                  control_input { name: "START" control { kind: CONTROL_SEQUENCE_START fp32_false_true: [ 0, 1.5 ] } }
                  state { input_name: "I" output_name: "O" data_type: TYPE_INT32 dims: [ 1 ]
                          initial_state { data_type: TYPE_INT32 dims: [ 1 ] data_file: "f" name: "s" } }
                }
                model_warmup { name: "w" batch_size: 1 inputs { key: "X" value { data_type: TYPE_FP32 dims: [ 2 ] zero_data: true } } }
                model_metrics { metric_control { metric_identifier { family: "f" } histogram_options { buckets: [ 0.5, 1, 2.5 ] } } }
                metric_tags { key: "team" value: "a" }
                response_cache { enable: true }
                """);

        assertThat(ModelConfigJson.fromJson(ModelConfigJson.toJson(config))).isEqualTo(config);
    }

    @Test
    void fromJsonAcceptsInt64sAsStringsAndNumbers() {
        ModelConfig config = ModelConfigJson.fromJson("""
                {"name":"m","input":[{"name":"X","data_type":"TYPE_INT64","dims":["-1",3]}],
                 "dynamic_batching":{"max_queue_delay_microseconds":"100"}}
                """);

        assertThat(config.getInput(0).getDimsList()).containsExactly(-1L, 3L);
        assertThat(config.getDynamicBatching().getMaxQueueDelayMicroseconds()).isEqualTo(100L);
    }

    @Test
    void fromJsonRejectsUnknownFieldsAndBadJson() {
        assertThatThrownBy(() -> ModelConfigJson.fromJson("{\"name\":\"m\",\"bogus\":1}"))
                .isInstanceOf(TritonException.class)
                .satisfies(e -> assertThat(((TritonException) e).code()).isEqualTo(TritonCode.INVALID_ARG))
                .hasMessageContaining("bogus");
        assertThatThrownBy(() -> ModelConfigJson.fromJson("{\"name\":"))
                .isInstanceOf(TritonException.class)
                .satisfies(e -> assertThat(((TritonException) e).code()).isEqualTo(TritonCode.INVALID_ARG));
    }
}
