package dev.berth.gc;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.HashMap;
import java.util.Map;

/** The filesystem driver (tag ages are set through file times), a grace of seconds and one rule per case. */
public class RetentionProfile implements QuarkusTestProfile {
  @Override
  public Map<String, String> getConfigOverrides() {
    Map<String, String> m = new HashMap<>(new GcProfiles.Filesystem().getConfigOverrides());
    m.put("berth.retention.rules.newest.repositories", "ret/newest");
    m.put("berth.retention.rules.newest.keep-newest", "2");
    m.put("berth.retention.rules.regex.repositories", "ret/regex");
    m.put("berth.retention.rules.regex.keep-newest", "1");
    m.put("berth.retention.rules.regex.keep-tags", "v[0-9]+|stable");
    m.put("berth.retention.rules.old.repositories", "ret/old/**");
    m.put("berth.retention.rules.old.drop-tags-older-than", "P30D");
    m.put("berth.retention.rules.old.drop-untagged-older-than", "P7D");
    m.put("berth.tags.immutable", "ret/old/**:rel-*");
    return m;
  }
}
