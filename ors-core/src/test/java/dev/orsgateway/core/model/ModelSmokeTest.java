package dev.orsgateway.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orsgateway.core.json.OrsJson;
import org.junit.jupiter.api.Test;

class ModelSmokeTest {
    @Test
    void prints() throws Exception {
        String req =
                "{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":\"hi\"},{\"type\":\"function_call_output\",\"call_id\":\"c\",\"output\":\"{}\"},{\"type\":\"acme:thing\",\"id\":\"x\",\"z\":1}],"
                        + "\"tools\":[{\"type\":\"function\",\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}],\"tool_choice\":{\"type\":\"allowed_tools\",\"tools\":[{\"type\":\"function\",\"name\":\"f\"}]},"
                        + "\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"n\",\"schema\":{\"type\":\"object\"}}},\"zzz\":[1]}";
        CreateResponseRequest r = OrsJson.read(req, CreateResponseRequest.class);
        System.out.println(r);
        System.out.println(OrsJson.write(r));
        Response resp = Response.builder().echo(r).id("resp_1").createdAt(1).build();
        System.out.println(OrsJson.write(resp));
        ResponseEvent e = new ResponseEvent.OutputTextDelta(3, "msg_1", 0, 0, "he", java.util.List.of(), null);
        System.out.println(OrsJson.write(e));
        System.out.println(OrsJson.read(OrsJson.write(e), ResponseEvent.class));
        System.out.println(OrsJson.read("{\"type\":\"acme:x\",\"sequence_number\":4,\"q\":1}", ResponseEvent.class));
        System.out.println(OrsJson.write(new ResponseEvent.Created(0, resp)).length());
        assertThat(r.input()).hasSize(3);
    }
}
